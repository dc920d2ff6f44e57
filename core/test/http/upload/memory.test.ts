import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import type { PutContext } from '../../../src/media/put/put-context.js';
import { StowageError } from '../../../src/stowage-error.js';
import { mediaFixture } from '../../helpers/media-fixture.js';
import { allEntries, errorCode, multipartHeaders, partHead, send, startUploadServer, type BodyPart } from './upload-server.js';

const MIB = 1024 * 1024;
const TOTAL = 200 * MIB;
const BOUND = 64 * MIB;
const B = 'memoryBoundary';

/**
 * `total` bytes made on the fly, 1 MiB at a time, with its SHA-256. The chunks rotate over a few
 * buffers (safe: `send` waits for `drain` after every write over the socket's high-water mark),
 * so the client adds no garbage of its own to the measurement.
 */
function generated(prefix: string, suffix: string, total: number): { body: AsyncIterable<BodyPart>; sha256: () => string } {
  const hash = createHash('sha256');
  const pool = [1, 2, 3, 5, 7].map((seed) => {
    const chunk = Buffer.allocUnsafe(MIB);
    for (let byte = 0; byte < MIB; byte++) chunk[byte] = (byte * seed + seed) & 0xff;
    return chunk;
  });
  async function* body(): AsyncGenerator<BodyPart> {
    yield prefix;
    for (let index = 0; index < total / MIB; index++) {
      const chunk = pool[index % pool.length] as Buffer;
      hash.update(chunk);
      yield chunk;
    }
    yield suffix;
  }
  return { body: body(), sha256: () => hash.digest('hex') };
}

/**
 * Streams a 200 MiB upload through receiveUpload into the real put pipeline, where a stage the
 * application inserts before `hash` reads every byte, records their digest and vetoes (so the
 * memory backend never holds 200 MiB), while the peak RSS is sampled.
 */
async function measure(t: Test, headers: Record<string, string>, prefix: string, suffix: string): Promise<void> {
  const fixture = mediaFixture();
  const seen: { bytes: number; sha256: string }[] = [];
  fixture.stowage.pipeline('put').use(
    {
      name: 'scan',
      async run(context: PutContext) {
        for (const file of context.files) {
          const hash = createHash('sha256');
          let bytes = 0;
          for await (const chunk of file.source) {
            hash.update(chunk);
            bytes += chunk.byteLength;
          }
          seen.push({ bytes, sha256: hash.digest('hex') });
        }
        throw new StowageError('STOWAGE_REJECTED', 'scanned');
      },
    },
    { before: 'hash' },
  );
  const server = await startUploadServer(t, fixture.stowage, { principal: null, limits: { maxFileBytes: 2 * TOTAL } });
  // A first, small upload warms the code paths and socket buffers up, so they do not count.
  const warmUp = generated(prefix, suffix, 8 * MIB);
  await send(server.port, headers, warmUp.body);
  t.equal(errorCode(t, await server.nextOutcome()), 'STOWAGE_REJECTED');
  t.same(seen.splice(0), [{ bytes: 8 * MIB, sha256: warmUp.sha256() }]);
  const { body, sha256 } = generated(prefix, suffix, TOTAL);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let peakBuffers = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
  }, 5);
  await send(server.port, headers, body);
  const outcome = await server.nextOutcome();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  t.equal(errorCode(t, outcome), 'STOWAGE_REJECTED');
  t.same(seen, [{ bytes: TOTAL, sha256: sha256() }], 'every byte reached the put, in order');
  t.same(await allEntries(fixture.catalog), []);
  const growth = peak - baseline;
  t.comment(`RSS growth: ${(growth / MIB).toFixed(1)} MiB (peak array buffers ${(peakBuffers / MIB).toFixed(1)} MiB) for a ${TOTAL / MIB} MiB body`);
  t.ok(growth < BOUND, `RSS grew by less than ${BOUND / MIB} MiB`);
}

t.test('a 200 MiB raw upload keeps memory flat', (t) => measure(t, { 'X-Filename': 'huge.bin' }, '', ''));

t.test('a 200 MiB multipart upload keeps memory flat', (t) =>
  measure(t, multipartHeaders(B), partHead(B, { name: 'f', filename: 'huge.bin' }), `\r\n--${B}--\r\n`),
);

