import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { findBackendShapeProblems, type HashAlgorithm } from '@stowage/core';
import type { ConformanceCase } from '../case.js';
import { expectCode, patternBytes, writeFile } from '../support.js';

const KNOWN_HASHES: readonly HashAlgorithm[] = ['sha256', 'sha1', 'md5', 'dropbox-content-hash'];

/** Dropbox's content hash: SHA-256 over the SHA-256 digests of each 4 MiB block. */
function dropboxContentHash(bytes: Uint8Array): string {
  const outer = createHash('sha256');
  const block = 4 * 1024 * 1024;
  for (let offset = 0; offset < bytes.byteLength; offset += block) {
    outer.update(createHash('sha256').update(bytes.subarray(offset, offset + block)).digest());
  }
  return outer.digest('hex');
}

function digestOf(algorithm: HashAlgorithm, bytes: Uint8Array): string {
  if (algorithm === 'dropbox-content-hash') return dropboxContentHash(bytes);
  return createHash(algorithm).update(bytes).digest('hex');
}

/** The capabilities family: the shape of `info` and `capabilities`, and native hashes. */
export const capabilityCases: readonly ConformanceCase[] = [
  {
    id: 'capabilities/shape',
    name: 'info and capabilities are frozen, and optional operations are present exactly when their flag is set',
    async run({ backend }) {
      assert.deepEqual(findBackendShapeProblems(backend), []);
    },
  },
  {
    id: 'capabilities/values',
    name: 'capability values have their documented types',
    async run({ backend }) {
      const { capabilities } = backend;
      for (const [name, value] of Object.entries(capabilities)) {
        if (name === 'modifiedAtPrecisionMs') {
          assert.ok(typeof value === 'number' && Number.isFinite(value) && value >= 0, `${name} is a number >= 0`);
        } else if (name === 'nativeHashes') {
          assert.ok(Array.isArray(value), 'nativeHashes is an array');
          for (const hash of value as unknown[]) {
            assert.ok(KNOWN_HASHES.includes(hash as HashAlgorithm), `unknown native hash ${String(hash)}`);
          }
        } else {
          assert.equal(typeof value, 'boolean', `${name} is a boolean`);
        }
      }
    },
  },
  {
    id: 'capabilities/close',
    name: 'close is idempotent, and afterwards operations reject with UNAVAILABLE',
    appliesTo: (capabilities) => capabilities.close,
    async run({ backend }) {
      await writeFile(backend, 'file', 'x');
      await backend.close!();
      await backend.close!();
      await expectCode(backend.stat('file'), 'STOWAGE_UNAVAILABLE', 'stat after close');
      await expectCode(backend.read('file'), 'STOWAGE_UNAVAILABLE', 'read after close');
      await expectCode(backend.write('other', [Buffer.from('x')]), 'STOWAGE_UNAVAILABLE', 'write after close');
    },
  },
  {
    id: 'capabilities/native-hashes',
    name: 'a file reports each native hash the capabilities declare, correct also after an overwrite',
    async run({ backend }) {
      // Over 4 MiB, so block-wise hashes (Dropbox's) span more than one block.
      const bytes = patternBytes(4 * 1024 * 1024 + 70_000, 3);
      await writeFile(backend, 'hashed.bin', bytes);
      const entry = await backend.stat('hashed.bin');
      for (const algorithm of backend.capabilities.nativeHashes) {
        assert.equal(entry.hashes?.[algorithm], digestOf(algorithm, bytes), `native ${algorithm}`);
      }
      const replaced = patternBytes(70_000, 4);
      await writeFile(backend, 'hashed.bin', replaced);
      const after = await backend.stat('hashed.bin');
      for (const algorithm of backend.capabilities.nativeHashes) {
        assert.equal(after.hashes?.[algorithm], digestOf(algorithm, replaced), `native ${algorithm} after an overwrite`);
      }
    },
  },
];
