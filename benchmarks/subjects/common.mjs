// What every subject server shares: its settings (JSON in BENCH_SUBJECT, written by the
// harness), listening on 127.0.0.1 on a free port, the ready line the harness waits for, and an
// orderly exit on SIGTERM/SIGINT (so `node --cpu-prof` writes its profile).
import { once } from 'node:events';

/** The settings the harness passed to this subject. */
export const settings = JSON.parse(process.env.BENCH_SUBJECT ?? '{}');

/** The fixture files by URL name (`4k.bin`, ...): `{ path, size, sha256 }`. */
export const fixtures = new Map(Object.entries(settings.fixtures ?? {}));

/**
 * Listens on 127.0.0.1 (port 0 unless `port` is given) and prints the ready line
 * `{"ready":true,"port":N}`; exits cleanly on SIGTERM or SIGINT after `close` resolves.
 */
export async function announce(server, close = async () => undefined) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const stop = () => {
    server.closeAllConnections?.();
    server.close();
    Promise.resolve(close()).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
}

/** `/name` → the fixture, refusing anything else (no path ever reaches the file system). */
export function fixtureOf(url) {
  const name = (url ?? '').split('?')[0].split('/').pop();
  return fixtures.get(name);
}
