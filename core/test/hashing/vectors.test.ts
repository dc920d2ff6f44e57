import { createHash } from 'node:crypto';
import t from 'tap';
import { computeLongId, createHashingSession, HashWorkerPool, type HashingMode } from '../../src/hashing/index.js';
import { cut, hashFiles, pattern } from '../helpers/hashing.js';

const pool = new HashWorkerPool({ size: 1 });
t.teardown(() => pool.close());
const MODES: readonly HashingMode[] = ['inline', 'worker', 'auto'];
const UPLOADED_AT = '2026-11-30T12:34:56.789Z';
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

const VECTORS = [
  {
    name: 'the empty file',
    bytes: new Uint8Array(0),
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  },
  {
    name: '"abc"',
    bytes: encode('abc'),
    sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
  },
  {
    // Computed with sha256sum and sha1sum over i % 251 for i < 1 MiB.
    name: 'a 1 MiB pattern',
    bytes: pattern(1024 * 1024),
    sha256: '631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769',
    sha1: 'c2fc4cb20f1301a6b0dd211c19e69a13925dbe40',
  },
];

for (const mode of MODES) {
  for (const vector of VECTORS) {
    t.test(`${mode}: ${vector.name} hashes to its known SHA-256 and SHA-1`, async (t) => {
      const session = createHashingSession(UPLOADED_AT, { mode, pool });
      const { digests } = await hashFiles(session, [{ plannedPath: 'disk:x', chunks: cut(vector.bytes, [65536]) }], '', 'salt');
      t.same(digests, [{ sha256: vector.sha256, sha1: vector.sha1, size: vector.bytes.byteLength }]);
    });
  }

  t.test(`${mode}: the long id equals sha256 of the hand-concatenated bytes (checked with sha256sum)`, async (t) => {
    const session = createHashingSession(UPLOADED_AT, { mode, pool });
    const { id } = await hashFiles(session, [{ plannedPath: 'disk:ab/cd/x', chunks: [encode('ab'), encode('c')] }], 'Zoë', 'pepper');
    t.equal(id, '180f41acdbfadd458a551ac6254574150b52f3970fb57da46764322a9b4cc6d1');
  });

  t.test(`${mode}: a folder-like's id is sha256(uploadedAt, each path and contents, author, salt) by node:crypto`, async (t) => {
    const files = [
      { plannedPath: 'disk:aa/1', bytes: pattern(70_000) },
      { plannedPath: 'shard-2:bb/2', bytes: new Uint8Array(0) },
      { plannedPath: 'disk:cc/ünï', bytes: encode('third file') },
    ];
    const salt = new Uint8Array([0, 1, 2, 255, 254]);
    const expected = createHash('sha256');
    expected.update(Buffer.from(UPLOADED_AT, 'utf8'));
    for (const file of files) expected.update(Buffer.from(file.plannedPath, 'utf8')).update(file.bytes);
    expected.update(Buffer.from('bob', 'utf8')).update(salt);
    const session = createHashingSession(UPLOADED_AT, { mode, pool });
    const chunked = files.map((file) => ({ plannedPath: file.plannedPath, chunks: cut(file.bytes, [1000, 33_333]) }));
    const { id } = await hashFiles(session, chunked, 'bob', salt);
    t.equal(id, expected.digest('hex'));
    t.match(id, /^[0-9a-f]{64}$/);
    t.equal(
      await computeLongId({ uploadedAt: UPLOADED_AT, files: files.map((f) => ({ plannedPath: f.plannedPath, contents: f.bytes })), author: 'bob', salt }),
      id,
    );
  });
}

t.test('a string salt is its UTF-8 bytes', async (t) => {
  const files = [{ plannedPath: 'disk:p', contents: encode('x') }];
  const asString = await computeLongId({ uploadedAt: UPLOADED_AT, files, author: 'a', salt: 'sél' });
  const asBytes = await computeLongId({ uploadedAt: UPLOADED_AT, files, author: 'a', salt: encode('sél') });
  t.equal(asString, asBytes);
});
