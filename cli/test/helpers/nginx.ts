import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Test } from 'tap';
import { renderStandaloneNginxConf } from '../../src/nginx/standalone-conf.js';

/** The Debian package `nginx` installs its binary here (`.ci/run` installs the package). */
export const NGINX_BINARY = '/usr/sbin/nginx';

/** Whether `CI` is set (any value but empty, `0` or `false`): then nginx is required. */
function inCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/**
 * The options of a `t.test` that needs nginx: without the binary, skipped with the reason on a
 * developer machine; with `CI` set, the test runs and {@link startNginx} fails it loudly.
 */
export function nginxRequirement(): { skip?: string } {
  if (existsSync(NGINX_BINARY) || inCi()) return {};
  return { skip: `nginx is not installed (${NGINX_BINARY}, Debian package "nginx"; required when CI is set)` };
}

/** A running nginx master process. */
export interface RunningNginx {
  /** `http://127.0.0.1:<port>`, one per server block, in order. */
  readonly urls: readonly string[];
  readonly pid: number;
  /** Holds nginx.conf, the pid file, the error log and the temp folders. */
  readonly directory: string;
  /** Stops nginx (SIGTERM to its pid) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

/** `count` ports that were free a moment ago (the listeners are closed before nginx binds them). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

async function launch(directory: string, servers: (ports: readonly number[]) => readonly string[], count: number): Promise<RunningNginx | 'port taken'> {
  const ports = await freePorts(count);
  const file = join(directory, 'nginx.conf');
  // As root, nginx runs its workers as `nobody`, which cannot enter the 0700 folders mkdtemp
  // makes (this one, and the shard roots of the tests), so every file would be a 403 or 404:
  // the workers stay root instead. Without root nginx cannot switch users and ignores `user`.
  const user = process.getuid?.() === 0 ? 'root' : undefined;
  await writeFile(file, renderStandaloneNginxConf({ directory, servers: servers(ports), user }));
  const errorLog = join(directory, 'error.log');
  const child = spawn(NGINX_BINARY, ['-p', directory, '-c', file, '-e', errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(errorLog, 'utf8').catch(() => '');
      if (/Address already in use/.test(stderr + log)) return 'port taken';
      throw new Error(`nginx exited at startup (${child.exitCode ?? child.signalCode}):\n${stderr}\n${log}`);
    }
    if ((await Promise.all(urls.map(answers))).every(Boolean)) break;
    if (attempt === 800) {
      process.kill(child.pid as number, 'SIGKILL');
      throw new Error(`nginx did not answer on ${urls.join(', ')}:\n${await readFile(errorLog, 'utf8').catch(() => '')}`);
    }
    await delay(25);
  }
  const pid = child.pid as number;
  let stopping: Promise<void> | undefined;
  return {
    urls,
    pid,
    directory,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGTERM');
        await exited(child);
      })();
      return stopping;
    },
  };
}

/**
 * Starts the real nginx binary in the foreground with a complete configuration (written by
 * `renderStandaloneNginxConf` into a new temporary folder) holding `servers(ports)`: one server
 * block per port, `count` free ports on 127.0.0.1. Resolves once every port answers HTTP;
 * `t.teardown` stops nginx by its pid and removes the folder.
 *
 * Errors: throws (failing the test) when the binary is missing (the test was not skipped, so
 * `CI` is set) or nginx exits at startup, with its error log in the message.
 */
export async function startNginx(t: Test, servers: (ports: readonly number[]) => readonly string[], count = 1): Promise<RunningNginx> {
  if (!existsSync(NGINX_BINARY)) {
    throw new Error(`CI is set but nginx is missing: install the Debian package "nginx" (${NGINX_BINARY}), as .ci/run does`);
  }
  const directory = await mkdtemp(join(tmpdir(), 'stowage-nginx-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  // A port found free may be taken by someone else before nginx binds it: try again with others.
  for (let attempt = 1; ; attempt += 1) {
    const running = await launch(directory, servers, count);
    if (running !== 'port taken') {
      t.teardown(() => running.stop());
      return running;
    }
    if (attempt === 5) throw new Error('nginx could not bind free ports five times');
  }
}
