// Starting and stopping the servers under test, each as a child process (so its CPU and memory
// are its own, readable from /proc). A Node subject prints `{"ready":true,"port":N}` once it
// listens on 127.0.0.1; nginx is ready when its port accepts connections. A subject that does not
// become ready in time is stopped and reported as skipped with the reason (its stderr's tail).
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { childrenOf } from './process-stats.mjs';

const running = new Set();

/** Kills every child still running (on exit, Ctrl-C, or a crash of the harness). */
export function killAll(signal = 'SIGKILL') {
  for (const child of running) {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
process.once('exit', () => killAll());

function tail(text, lines = 6) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** `count` distinct free ports on 127.0.0.1, all bound at once so they differ, then released (a tiny race with other programs, which the harness accepts). */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let index = 0; index < count; index++) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function track(child) {
  running.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text) => {
    stderr = (stderr + text).slice(-8192);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => running.delete(child));
  return { stderr: () => stderr, exited };
}

/**
 * Starts a Node subject script with `settings` in BENCH_SUBJECT (and `env` added to the
 * environment) and resolves `{ pid, port, pids(), stop() }`, or rejects with the reason it could
 * not start.
 */
export async function startNodeSubject(script, settings, { nodeArgs = [], env = {}, timeoutMs = 20_000 } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env, BENCH_SUBJECT: JSON.stringify(settings), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = track(child);
  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"ready":true'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line).port);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    watched.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before it was ready: ${tail(watched.stderr())}`));
    });
  }).catch(async (error) => {
    child.kill('SIGKILL');
    await watched.exited;
    throw error;
  });
  return handle(child, watched, port);
}

async function waitForPort(port, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline && !gone) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await sleep(50);
  }
  return false;
}

/** Starts nginx in the foreground with `configFile` and resolves like {@link startNodeSubject}. */
export async function startNginx(binary, configFile, port, timeoutMs = 10_000) {
  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const watched = track(child);
  const ready = await waitForPort(port, timeoutMs, watched.exited);
  if (!ready) {
    child.kill('SIGKILL');
    await watched.exited;
    throw new Error(`nginx did not accept connections: ${tail(watched.stderr())}`);
  }
  return handle(child, watched, port, 'SIGQUIT');
}

function handle(child, watched, port, stopSignal = 'SIGTERM') {
  return {
    pid: child.pid,
    port,
    /** The process and its children (nginx workers). */
    pids: () => [child.pid, ...childrenOf(child.pid)],
    stderr: watched.stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(timeoutMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await watched.exited;
      clearTimeout(timer);
    },
  };
}
