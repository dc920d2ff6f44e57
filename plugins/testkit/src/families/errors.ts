import assert from 'node:assert/strict';
import { ERROR_CODES, isStowageError, type Backend, type BackendOperation, type StowageErrorCode } from '@stowage/core';
import type { ConformanceCase } from '../case.js';
import { collect, expectCode, writeFile } from '../support.js';

interface Failure {
  readonly operation: BackendOperation;
  readonly path: string;
  readonly code: StowageErrorCode;
  readonly act: (backend: Backend) => Promise<unknown>;
}

/** Failing calls, with the paths spelled oddly so the context must hold the normalized path. */
const FAILURES: readonly Failure[] = [
  { operation: 'stat', path: 'no/such', code: 'STOWAGE_NOT_FOUND', act: (b) => b.stat('/no//such/') },
  { operation: 'read', path: 'no/such', code: 'STOWAGE_NOT_FOUND', act: (b) => b.read('no//such') },
  { operation: 'read', path: 'dir', code: 'STOWAGE_IS_A_DIRECTORY', act: (b) => b.read('/dir') },
  {
    operation: 'read',
    path: 'dir/file',
    code: 'STOWAGE_RANGE_NOT_SATISFIABLE',
    act: (b) => b.read('dir//file', { range: { offset: 100 } }),
  },
  { operation: 'write', path: 'dir', code: 'STOWAGE_IS_A_DIRECTORY', act: (b) => b.write('dir/', [Buffer.from('x')]) },
  {
    operation: 'write',
    path: 'dir/file/child',
    code: 'STOWAGE_NOT_A_DIRECTORY',
    act: (b) => b.write('/dir/file/child', [Buffer.from('x')]),
  },
  {
    operation: 'write',
    path: 'new',
    code: 'STOWAGE_DIGEST_MISMATCH',
    act: (b) => b.write('/new', [Buffer.from('x')], { digest: { algorithm: 'sha256', hex: '0'.repeat(64) } }),
  },
  {
    operation: 'write',
    path: 'new',
    code: 'STOWAGE_ABORTED',
    act: (b) =>
      b.write(
        'new/',
        (async function* () {
          yield Buffer.from('x');
          throw new Error('the source failed');
        })(),
      ),
  },
  {
    operation: 'write',
    path: 'new',
    code: 'STOWAGE_SIZE_MISMATCH',
    act: (b) => b.write('new/', [Buffer.from('x')], { size: 2 }),
  },
  { operation: 'list', path: 'dir/file', code: 'STOWAGE_NOT_A_DIRECTORY', act: (b) => collect(b.list('dir//file')) },
  { operation: 'delete', path: 'dir', code: 'STOWAGE_DIRECTORY_NOT_EMPTY', act: (b) => b.delete('dir/') },
  { operation: 'createDir', path: 'dir/file', code: 'STOWAGE_NOT_A_DIRECTORY', act: (b) => b.createDir('dir/file/') },
];

/** Failures of the optional operations, checked when the backend has them. */
const OPTIONAL_FAILURES: readonly Failure[] = [
  { operation: 'copy', path: 'no/such', code: 'STOWAGE_NOT_FOUND', act: (b) => b.copy!('/no//such', 'target') },
  { operation: 'copy', path: 'dir', code: 'STOWAGE_IS_A_DIRECTORY', act: (b) => b.copy!('dir/', 'target') },
  { operation: 'rename', path: 'no/such', code: 'STOWAGE_NOT_FOUND', act: (b) => b.rename!('no//such/', 'target') },
  { operation: 'rename', path: 'dir', code: 'STOWAGE_IS_A_DIRECTORY', act: (b) => b.rename!('/dir', 'target') },
  { operation: 'localPath', path: 'no/such', code: 'STOWAGE_NOT_FOUND', act: (b) => b.localPath!('no//such') },
  { operation: 'link', path: 'no/such', code: 'STOWAGE_NOT_FOUND', act: (b) => b.link!('/no/such') },
];

/** The failures that apply to `backend`. */
function failuresFor(backend: Backend): Failure[] {
  return [...FAILURES, ...OPTIONAL_FAILURES.filter((failure) => typeof (backend as unknown as Record<string, unknown>)[failure.operation] === 'function')];
}

async function failureOf(failure: Failure, backend: Backend): Promise<unknown> {
  try {
    await failure.act(backend);
  } catch (error) {
    return error;
  }
  assert.fail(`${failure.operation} ${failure.path}: expected ${failure.code}, but it succeeded`);
}

/** Invalid paths: context names the backend and the operation (the path itself is not echoed). */
const INVALID: ReadonlyArray<[BackendOperation, (backend: Backend) => Promise<unknown>]> = [
  ['stat', (b) => b.stat('a/../b')],
  ['read', (b) => b.read('a/../b')],
  ['write', (b) => b.write('a/../b', [Buffer.from('x')])],
  ['list', (b) => collect(b.list('a/../b'))],
  ['delete', (b) => b.delete('a/../b')],
  ['createDir', (b) => b.createDir('a/../b')],
];

/** The errors family: every rejection is a StowageError with a registered code and full context. */
export const errorCases: readonly ConformanceCase[] = [
  {
    id: 'errors/context',
    name: 'every rejection is a StowageError naming the backend, the operation and the normalized path',
    async run({ backend }) {
      await writeFile(backend, 'dir/file', 'x');
      for (const failure of failuresFor(backend)) {
        const label = `${failure.operation} ${failure.path}`;
        const error = await failureOf(failure, backend);
        assert.ok(isStowageError(error), `${label}: a StowageError, got ${String(error)}`);
        assert.equal(error.code, failure.code, `${label}: code`);
        assert.equal(error.context.backend, backend.info.name, `${label}: context.backend`);
        assert.equal(error.context.operation, failure.operation, `${label}: context.operation`);
        assert.equal(error.context.path, failure.path, `${label}: context.path`);
      }
    },
  },
  {
    id: 'errors/invalid-path-context',
    name: 'an invalid path is rejected with INVALID_PATH naming the backend and the operation, not retryable',
    async run({ backend }) {
      for (const [operation, act] of INVALID) {
        const error = await expectCode(act(backend), 'STOWAGE_INVALID_PATH', operation);
        assert.equal(error.context.backend, backend.info.name, `${operation}: context.backend`);
        assert.equal(error.context.operation, operation, `${operation}: context.operation`);
        assert.equal(error.retryable, false);
      }
    },
  },
  {
    id: 'errors/registered',
    name: 'rejections carry registered codes, the registry status, and are not retryable when deterministic',
    async run({ backend }) {
      await writeFile(backend, 'dir/file', 'x');
      for (const failure of failuresFor(backend)) {
        const error = await failureOf(failure, backend);
        assert.ok(isStowageError(error));
        assert.ok(Object.hasOwn(ERROR_CODES, error.code), `${error.code} is registered`);
        assert.equal(error.status, ERROR_CODES[error.code].status);
        assert.equal(error.retryable, false, `${failure.operation} ${failure.path}: a deterministic failure is not retryable`);
      }
    },
  },
  {
    id: 'errors/no-host-paths',
    name: 'error messages and JSON bodies never reveal the backend root',
    async run({ backend }) {
      await writeFile(backend, 'dir/file', 'x');
      const root = backend.info.root;
      for (const failure of failuresFor(backend)) {
        const error = await failureOf(failure, backend);
        assert.ok(isStowageError(error));
        assert.deepEqual(Object.keys(error.toJSON()).sort(), ['code', 'error']);
        if (root.length > 1) {
          assert.ok(!error.message.includes(root), `${failure.operation} ${failure.path}: the message shows the root`);
          assert.ok(!JSON.stringify(error).includes(root), 'the JSON body shows the root');
        }
      }
    },
  },
];
