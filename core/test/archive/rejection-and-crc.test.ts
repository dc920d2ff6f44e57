import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import t from 'tap';
import { ARCHIVE_RULES, archiveRejected, archiveRejectionOf, crc32 } from '../../src/archive/index.js';
import { crc32Portable } from '../../src/archive/crc32.js';
import { StowageError } from '../../src/stowage-error.js';

t.test('the portable CRC-32 agrees with zlib, in one piece or continued', async () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat({ max: 2000 }), (data, cut) => {
      const at = Math.min(cut, data.length);
      const whole = zlibCrc32(data);
      return crc32Portable(data) === whole && crc32Portable(data.subarray(at), crc32Portable(data.subarray(0, at))) === whole && crc32(data) === whole;
    }),
  );
});

t.test('rejections carry their rule and an escaped, bounded entry name', async (t) => {
  const error = archiveRejected('symlink', 'a link', `evil\u0000${'x'.repeat(400)}`);
  t.equal(error.code, 'STOWAGE_REJECTED');
  t.equal(error.status, 422);
  const rejection = archiveRejectionOf(error);
  t.equal(rejection?.rule, 'symlink');
  t.ok(rejection?.entry?.startsWith('evil\\u0000'));
  t.ok((rejection?.entry?.length ?? 0) <= 256);
  t.same(archiveRejectionOf(archiveRejected('malformed', 'bad')), { rule: 'malformed' });
  t.equal(archiveRejectionOf(new StowageError('STOWAGE_REJECTED', 'a virus scan said no')), undefined);
  t.equal(archiveRejectionOf(new StowageError('STOWAGE_REJECTED', 'x', { context: { rule: 'made-up' } as never })), undefined);
  t.equal(archiveRejectionOf(new Error('plain')), undefined);
  t.equal(new Set(ARCHIVE_RULES).size, ARCHIVE_RULES.length);
});
