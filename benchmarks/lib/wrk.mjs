// wrk (the Debian package) for small files: one thread (the server gets the other core),
// `connections` keep-alive connections for `seconds` whole seconds, summary through a Lua
// `done` hook as JSON. Bounded in time by wrk itself and, as a backstop, by a kill timer.
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPORTER = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));

/** The wrk binary, or `undefined`. */
export function findWrk() {
  for (const candidate of ['/usr/bin/wrk', '/usr/local/bin/wrk', 'wrk']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch (error) {
      // `wrk -v` exits 1 after printing its version: the binary exists.
      if (error.status === 1) return candidate;
    }
  }
  return undefined;
}

/** `wrk -v`'s first line. */
export function wrkVersion(binary) {
  try {
    return execFileSync(binary, ['-v'], { encoding: 'utf8' }).split('\n')[0].replace(/ Copyright.*$/, '').trim();
  } catch (error) {
    return String(error.stdout ?? '').split('\n')[0].replace(/ Copyright.*$/, '').trim() || null;
  }
}

/**
 * Runs wrk against `url` (127.0.0.1 only). Resolves `{ requests, bytes, seconds, errors,
 * latencyMs: { p50, p90, p99, max, mean } }`; rejects when wrk fails or prints no summary.
 */
export function runWrk(binary, url, { connections, seconds, timeoutSeconds = 10 }) {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error('wrk only targets 127.0.0.1');
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSeconds}s`, '-s', REPORTER, url];
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: (seconds + timeoutSeconds + 5) * 1000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('WRK_JSON '));
      if (line === undefined) {
        reject(new Error(`wrk failed: ${error?.message ?? ''} ${stderr.trim()}`.trim()));
        return;
      }
      const raw = JSON.parse(line.slice('WRK_JSON '.length));
      const ms = (us) => us / 1000;
      resolve({
        requests: raw.requests,
        bytes: raw.bytes,
        seconds: raw.durationUs / 1e6,
        errors: { connect: raw.connect, read: raw.read, write: raw.write, status: raw.status, timeout: raw.timeout },
        latencyMs: { p50: ms(raw.p50), p90: ms(raw.p90), p99: ms(raw.p99), max: ms(raw.max), mean: ms(raw.mean) },
        command: `wrk ${args.map((arg) => (arg === REPORTER ? 'benchmarks/lib/wrk-report.lua' : arg)).join(' ')}`,
      });
    });
  });
}
