import assert from 'node:assert/strict';
import type { Backend, BackendEntry, OperationOptions } from '@stowage/core';
import type { ConformanceCase } from '../case.js';
import { assertContent, assertMissing, expectCode, listing, readFile, writeFile } from '../support.js';

type Transfer = 'copy' | 'rename';
type TransferCall = (from: string, to: string, options?: OperationOptions) => Promise<BackendEntry>;

function call(backend: Backend, operation: Transfer): TransferCall {
  const method = backend[operation];
  assert.ok(method !== undefined, `${operation} is present`);
  return method.bind(backend);
}

function casesFor(operation: Transfer): ConformanceCase[] {
  const appliesTo = (capabilities: { copy: boolean; rename: boolean }): boolean => capabilities[operation];
  const sourceAfter = async (backend: Backend, content: string): Promise<void> => {
    if (operation === 'copy') await assertContent(backend, 'source', content, 'the source is unchanged');
    else await assertMissing(backend, 'source', 'the source is gone');
  };
  return [
    {
      id: `${operation}/basic`,
      name: `${operation} puts the content at the target and returns its entry`,
      appliesTo,
      async run({ backend, settle }) {
        await writeFile(backend, 'source', 'content');
        const entry = await call(backend, operation)('/source', '//new/target/');
        assert.equal(entry.path, 'new/target', 'the entry has the normalized target path');
        assert.equal(entry.kind, 'file');
        assert.equal(entry.size, 7);
        await settle();
        const stat = await backend.stat('new/target');
        assert.equal(stat.size, entry.size);
        if (backend.capabilities.statHasEtag) assert.equal(entry.etag, stat.etag, 'the entry agrees with stat');
        await assertContent(backend, 'new/target', 'content');
        await sourceAfter(backend, 'content');
      },
    },
    {
      id: `${operation}/overwrite`,
      name: `${operation} replaces an existing target file`,
      appliesTo,
      async run({ backend, settle }) {
        await writeFile(backend, 'source', 'new');
        await writeFile(backend, 'target', 'a much longer old content');
        const old = (await backend.stat('target')).etag;
        await call(backend, operation)('source', 'target');
        await settle();
        await assertContent(backend, 'target', 'new');
        if (backend.capabilities.statHasEtag) assert.notEqual((await backend.stat('target')).etag, old, 'the target has a new etag');
        await sourceAfter(backend, 'new');
      },
    },
    {
      id: `${operation}/parents`,
      name: `${operation} creates the missing parents of the target`,
      appliesTo,
      async run({ backend, settle }) {
        await writeFile(backend, 'source', 'x');
        await call(backend, operation)('source', 'deep/new/dirs/target');
        await settle();
        await assertContent(backend, 'deep/new/dirs/target', 'x');
        assert.equal((await backend.stat('deep/new')).kind, 'directory');
      },
    },
    {
      id: `${operation}/missing`,
      name: `${operation} of a missing file rejects with NOT_FOUND and creates nothing`,
      appliesTo,
      async run({ backend, settle }) {
        await expectCode(call(backend, operation)('missing', 'target'), 'STOWAGE_NOT_FOUND');
        await expectCode(call(backend, operation)('missing', 'new/dirs/target'), 'STOWAGE_NOT_FOUND');
        await settle();
        assert.deepEqual(await listing(backend, '', true), [], 'not even the target parents were made');
      },
    },
    {
      id: `${operation}/directories`,
      name: `${operation} from or onto a directory rejects with IS_A_DIRECTORY and changes nothing`,
      appliesTo,
      async run({ backend, settle }) {
        await writeFile(backend, 'dir/child', 'child');
        await writeFile(backend, 'source', 'x');
        await expectCode(call(backend, operation)('dir', 'elsewhere'), 'STOWAGE_IS_A_DIRECTORY', 'from a directory');
        await expectCode(call(backend, operation)('source', 'dir'), 'STOWAGE_IS_A_DIRECTORY', 'onto a directory');
        await settle();
        assert.deepEqual(await listing(backend, '', true), ['dir/', 'dir/child', 'source']);
      },
    },
    {
      id: `${operation}/below-file`,
      name: `${operation} to a target below a file rejects with NOT_A_DIRECTORY and changes nothing`,
      appliesTo,
      async run({ backend, settle }) {
        await writeFile(backend, 'source', 'x');
        await writeFile(backend, 'file', 'f');
        await expectCode(call(backend, operation)('source', 'file/target'), 'STOWAGE_NOT_A_DIRECTORY');
        await settle();
        await assertContent(backend, 'source', 'x');
        await assertContent(backend, 'file', 'f');
      },
    },
    {
      id: `${operation}/empty-file`,
      name: `${operation} of an empty file gives an empty file`,
      appliesTo,
      async run({ backend }) {
        await backend.write('empty', []);
        const entry = await call(backend, operation)('empty', 'target');
        assert.equal(entry.size, 0);
        assert.equal((await readFile(backend, 'target')).byteLength, 0);
      },
    },
    {
      id: `${operation}/onto-itself`,
      name: `${operation} of a file onto itself leaves it unchanged`,
      appliesTo,
      async run({ backend, settle }) {
        await writeFile(backend, 'same', 'unchanged');
        await call(backend, operation)('same', '/same/');
        await settle();
        await assertContent(backend, 'same', 'unchanged');
      },
    },
    {
      id: `${operation}/independent`,
      name: `after ${operation}, writing the source again does not change the target`,
      appliesTo,
      async run({ backend, settle }) {
        await writeFile(backend, 'source', 'first');
        await call(backend, operation)('source', 'target');
        await writeFile(backend, 'source', 'second');
        await settle();
        await assertContent(backend, 'target', 'first');
        await assertContent(backend, 'source', 'second');
      },
    },
  ];
}

/** The copy and rename families; each applies when its capability is set. */
export const transferCases: readonly ConformanceCase[] = [...casesFor('copy'), ...casesFor('rename')];
