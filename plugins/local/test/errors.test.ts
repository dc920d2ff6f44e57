import t from 'tap';
import { StowageError, type StowageErrorCode } from '@stowage/core';
import { FS_ERRORS, mapFsError } from '../src/index.js';

function fsError(code: string, syscall = 'open', path = '/srv/secret/root/file'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path });
}

/** The table as this test expects it, written out independently of the source. */
const EXPECTED: ReadonlyArray<[string, StowageErrorCode, number | undefined]> = [
  ['ENOENT', 'STOWAGE_NOT_FOUND', undefined],
  ['ENOTDIR', 'STOWAGE_NOT_A_DIRECTORY', undefined],
  ['EISDIR', 'STOWAGE_IS_A_DIRECTORY', undefined],
  ['ENOTEMPTY', 'STOWAGE_DIRECTORY_NOT_EMPTY', undefined],
  ['ENOSPC', 'STOWAGE_INSUFFICIENT_STORAGE', undefined],
  ['EDQUOT', 'STOWAGE_INSUFFICIENT_STORAGE', undefined],
  ['EFBIG', 'STOWAGE_INSUFFICIENT_STORAGE', undefined],
  ['EMFILE', 'STOWAGE_BUSY', 1000],
  ['ENFILE', 'STOWAGE_BUSY', 1000],
  ['EAGAIN', 'STOWAGE_BUSY', 100],
  ['EBUSY', 'STOWAGE_BUSY', 100],
  ['EACCES', 'STOWAGE_PERMISSION_DENIED', undefined],
  ['EPERM', 'STOWAGE_PERMISSION_DENIED', undefined],
  ['EROFS', 'STOWAGE_PERMISSION_DENIED', undefined],
  ['ELOOP', 'STOWAGE_UNSAFE_PATH', undefined],
  ['ENAMETOOLONG', 'STOWAGE_INVALID_PATH', undefined],
  ['ETIMEDOUT', 'STOWAGE_TIMEOUT', undefined],
  ['ENOTCONN', 'STOWAGE_UNAVAILABLE', undefined],
  ['EHOSTDOWN', 'STOWAGE_UNAVAILABLE', undefined],
  ['ESTALE', 'STOWAGE_UNAVAILABLE', undefined],
  ['EIO', 'STOWAGE_IO', undefined],
  ['EXDEV', 'STOWAGE_IO', undefined],
];

t.test('the table has exactly the expected rows', async (t) => {
  t.same(Object.keys(FS_ERRORS).sort(), EXPECTED.map(([errno]) => errno).sort());
});

for (const [errno, code, retryAfterMs] of EXPECTED) {
  t.test(`${errno} maps to ${code}`, async (t) => {
    const cause = fsError(errno);
    const error = mapFsError(cause, { backend: 'b', operation: 'read', path: 'k' });
    t.equal(error.code, code);
    t.equal(error.retryAfterMs, retryAfterMs);
    t.equal(error.cause, cause);
    t.same(error.context, { backend: 'b', operation: 'read', path: 'k' });
    t.notMatch(error.message, /secret/, 'the host path stays out of the message');
  });
}

t.test('unknown errno codes are IO, errors without one are INTERNAL', async (t) => {
  t.equal(mapFsError(fsError('EWHATEVER'), {}).code, 'STOWAGE_IO');
  t.equal(mapFsError(new Error('no code'), {}).code, 'STOWAGE_INTERNAL');
  t.equal(mapFsError('a string', {}).code, 'STOWAGE_INTERNAL');
});

t.test('overrides win for their call site; StowageErrors pass through with context', async (t) => {
  t.equal(mapFsError(fsError('EEXIST', 'mkdir'), {}, { EEXIST: 'STOWAGE_NOT_A_DIRECTORY' }).code, 'STOWAGE_NOT_A_DIRECTORY');
  t.equal(mapFsError(fsError('EEXIST', 'mkdir'), {}).code, 'STOWAGE_IO');
  const original = new StowageError('STOWAGE_NOT_FOUND', 'x', { context: { path: 'inner' } });
  const passed = mapFsError(original, { backend: 'b', path: 'outer' });
  t.equal(passed.code, 'STOWAGE_NOT_FOUND');
  t.same(passed.context, { backend: 'b', path: 'inner' });
});
