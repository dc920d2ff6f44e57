import fc from 'fast-check';
import t from 'tap';
import { createdResponse } from '../../../src/http/upload/created-response.js';
import { resolveUploadLimits } from '../../../src/http/upload/limits.js';
import { mediaFixture } from '../../helpers/media-fixture.js';

t.test('createdResponse answers 201 with a percent-encoded Location and every file', async (t) => {
  const { stowage } = mediaFixture();
  const result = await stowage.put([
    { filename: 'a b#?%.txt', source: [Buffer.from('one')] },
    { filename: 'é.png', source: [Buffer.from('two')] },
  ]);
  const answer = createdResponse(result, '/media/');
  t.equal(answer.status, 201);
  t.equal(answer.headers['Content-Type'], 'application/json');
  t.equal(answer.headers['Location'], `/media/${result.id}/a%20b%23%3F%25.txt`);
  t.same(JSON.parse(answer.body), {
    id: result.id,
    files: result.entries.map((entry) => ({
      filename: entry.filename,
      url: `/media/${result.id}/${encodeURIComponent(entry.filename)}`,
      size: entry.size,
      sha256: entry.sha256,
      contentType: entry.contentType,
    })),
  });
  t.equal(createdResponse(result, '').headers['Location'], `/${result.id}/a%20b%23%3F%25.txt`);
  t.throws(() => createdResponse({ ...result, entries: [] }, '/media'), { code: 'STOWAGE_INVALID_ARGUMENT' });
});

t.test('the Location filename segment always decodes back to the filename, never adds a segment', (t) => {
  const base = { id: 'a'.repeat(64), deduplicated: [false] };
  fc.assert(
    fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (filename) => {
      const entry = { filename, size: 1, sha256: 'b'.repeat(64), contentType: 'text/plain' } as never;
      const location = createdResponse({ ...base, entries: [entry] }, '/m').headers['Location'] ?? '';
      const segments = location.split('/');
      return segments.length === 4 && decodeURIComponent(segments[3] ?? '') === filename;
    }),
  );
  t.end();
});

t.test('resolveUploadLimits fills defaults and refuses bad values with STOWAGE_INVALID_CONFIG', (t) => {
  t.equal(resolveUploadLimits().maxFiles, 100);
  t.equal(resolveUploadLimits({ maxFiles: 3 }).maxFiles, 3);
  for (const bad of [{ maxFiles: 0 }, { maxFileBytes: -1 }, { idleTimeoutMs: 1.5 }, { maxFields: Number.NaN }, { maxPartHeaderBytes: 16 * 1024 + 1 }]) {
    t.throws(() => resolveUploadLimits(bad), { code: 'STOWAGE_INVALID_CONFIG' }, JSON.stringify(bad));
  }
  t.end();
});
