import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The compiled `stowage` command. */
export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** A `stowage serve` child process, once it printed that it listens. */
export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** The `data:` line. */
  readonly directory: string;
  /** Everything printed until it was ready. */
  readonly output: string;
}

/** The environment of children: the runner's own loader and coverage variables left out. */
export function childEnvironment(): NodeJS.ProcessEnv {
  const { NODE_V8_COVERAGE: _coverage, NODE_OPTIONS: _options, ...env } = process.env;
  return env;
}

/**
 * Runs `stowage serve <args>` and resolves when it has printed its banner up to `lastLine`
 * (a line the banner ends with); rejects with the output when it exits first.
 */
export async function spawnServe(args: readonly string[], lastLine: RegExp): Promise<ServeProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], { env: childEnvironment() });
  let output = '';
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    output += chunk as string;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const directory = /data: +(\S+)/.exec(output)?.[1];
    if (url !== undefined && directory !== undefined && lastLine.test(output)) return { child, url, directory, output };
  }
  throw new Error(`stowage serve did not start: ${output}${errors}`);
}

/** Sends SIGTERM and resolves with the exit code. */
export async function stopServe(running: ServeProcess): Promise<number | null> {
  if (running.child.exitCode !== null) return running.child.exitCode;
  running.child.kill('SIGTERM');
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return code;
}

/** Runs `stowage <args>` to the end: exit code, stdout and stderr. */
export async function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: childEnvironment() });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close' comes after the output streams ended, unlike 'exit'.
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}
