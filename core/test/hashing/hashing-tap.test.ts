import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { createHashingSession, hashingTap, HashWorkerPool } from '../../src/hashing/index.js';
import { cut, pattern, referenceDigests } from '../helpers/hashing.js';

const pool = new HashWorkerPool({ size: 1 });
t.teardown(() => pool.close());
const UPLOADED_AT = '2026-11-30T12:34:56.789Z';

function collector(): { sink: Writable; received: () => Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  return { sink, received: () => Buffer.concat(parts) };
}

for (const mode of ['inline', 'worker'] as const) {
  t.test(`${mode}: the tap passes every byte on and hashes it`, async (t) => {
    const bytes = pattern(12 * 1024 * 1024 + 3);
    const session = createHashingSession(UPLOADED_AT, { mode, pool });
    session.beginFile('disk:tapped');
    const { sink, received } = collector();
    await pipeline(Readable.from(cut(bytes, [65536, 1024 * 1024 + 1, 7])), hashingTap(session), sink);
    t.same(await session.endFile(), referenceDigests(bytes));
    t.ok(received().equals(bytes), 'the bytes pass unchanged');
    t.match(await session.finish('a', 'salt'), /^[0-9a-f]{64}$/);
  });

  t.test(`${mode}: a tap over a session with no open file errors the pipeline with STOWAGE_INTERNAL`, async (t) => {
    const session = createHashingSession(UPLOADED_AT, { mode, pool });
    const { sink } = collector();
    await t.rejects(pipeline(Readable.from([Buffer.from('x')]), hashingTap(session), sink), { code: 'STOWAGE_INTERNAL' });
    session.dispose();
  });
}

t.test('a tap errors the pipeline when the worker is gone', async (t) => {
  const closing = new HashWorkerPool({ size: 1 });
  const session = createHashingSession(UPLOADED_AT, { mode: 'worker', pool: closing });
  session.beginFile('disk:x');
  await closing.close();
  const { sink } = collector();
  await t.rejects(pipeline(Readable.from([Buffer.from('x')]), hashingTap(session), sink), { code: 'STOWAGE_UNAVAILABLE' });
  session.dispose();
});
