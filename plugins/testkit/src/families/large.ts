import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import { patternBytes, readAll, readFile, sha256, unevenChunks, writeFile } from '../support.js';

/** The large family: multi-chunk streams compared by SHA-256, and concurrent writers. */
export const largeCases: readonly ConformanceCase[] = [
  {
    id: 'large/round-trip',
    name: 'a large stream of uneven chunks round-trips with the same SHA-256',
    async run({ backend, largeBytes, settle }) {
      const bytes = patternBytes(largeBytes, 31);
      const entry = await backend.write('large.bin', unevenChunks(bytes), { size: largeBytes });
      assert.equal(entry.size, largeBytes);
      await settle();
      assert.equal((await backend.stat('large.bin')).size, largeBytes);
      const read = await backend.read('large.bin');
      assert.equal(sha256(await readAll(read.stream)), sha256(bytes));
    },
  },
  {
    id: 'large/ranged',
    name: 'a range deep inside a large file is exact',
    async run({ backend, largeBytes }) {
      const bytes = patternBytes(largeBytes, 32);
      await backend.write('large.bin', unevenChunks(bytes, 3));
      const offset = Math.floor(largeBytes * 0.7) + 3;
      const length = Math.min(1_000_003, largeBytes - offset);
      const result = await backend.read('large.bin', { range: { offset, length } });
      assert.equal(sha256(await readAll(result.stream)), sha256(bytes.subarray(offset, offset + length)));
    },
  },
  {
    id: 'large/concurrent-paths',
    name: 'concurrent writers to different paths all land intact',
    async run({ backend, largeBytes }) {
      const size = Math.max(1, Math.floor(largeBytes / 8));
      const contents = Array.from({ length: 8 }, (_, i) => patternBytes(size + i, 40 + i));
      await Promise.all(contents.map((bytes, i) => backend.write(`parallel/${String(i)}.bin`, unevenChunks(bytes, i + 1))));
      for (const [i, bytes] of contents.entries()) {
        assert.equal(sha256(await readFile(backend, `parallel/${String(i)}.bin`)), sha256(bytes), `file ${String(i)}`);
      }
    },
  },
  {
    id: 'large/concurrent-one-path',
    name: 'concurrent writers to one path leave exactly one writer’s whole content',
    appliesTo: (capabilities) => capabilities.writeIsAtomic,
    async run({ backend, largeBytes }) {
      const size = Math.max(1, Math.floor(largeBytes / 8));
      const contents = Array.from({ length: 8 }, (_, i) => patternBytes(size + i * 1000, 50 + i));
      await Promise.all(contents.map((bytes, i) => backend.write('contended.bin', unevenChunks(bytes, i + 5))));
      const final = sha256(await readFile(backend, 'contended.bin'));
      assert.ok(contents.some((bytes) => sha256(bytes) === final), 'the final content is one writer’s');
    },
  },
  {
    id: 'large/reads-during-writes',
    name: 'reads racing with overwrites each see one whole version',
    appliesTo: (capabilities) => capabilities.writeIsAtomic,
    async run({ backend, largeBytes }) {
      const size = Math.max(1, Math.floor(largeBytes / 4));
      const versions = Array.from({ length: 4 }, (_, i) => patternBytes(size + i * 777, 60 + i));
      const known = new Set(versions.map((bytes) => sha256(bytes)));
      await writeFile(backend, 'hot.bin', versions[0] as Buffer);
      const writes = versions.slice(1).map((bytes, i) => backend.write('hot.bin', unevenChunks(bytes, i + 9)));
      const reads = Array.from({ length: 6 }, async () => sha256(await readFile(backend, 'hot.bin')));
      const [seen] = await Promise.all([Promise.all(reads), Promise.all(writes)]);
      for (const digest of seen) assert.ok(known.has(digest), 'a read saw a mix of versions');
    },
  },
];
