import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  ERROR_CODES,
  httpStatusOf,
  isStowageError,
  isStowageErrorCode,
  STOWAGE_ERROR_CODES,
  StowageError,
  toStowageError,
  type StowageErrorCode,
} from '../src/index.js';

/**
 * The union, spelled out once more: adding a code to the type without listing it here fails
 * to compile (the switch is no longer exhaustive), and the test below compares this list with
 * the registry and the documentation.
 */
function everyCodeOfTheUnion(): StowageErrorCode[] {
  const all: StowageErrorCode[] = [];
  const visit = (code: StowageErrorCode): StowageErrorCode => {
    switch (code) {
      case 'STOWAGE_INVALID_PATH':
      case 'STOWAGE_INVALID_CONFIG':
      case 'STOWAGE_NOT_FOUND':
      case 'STOWAGE_IS_A_DIRECTORY':
      case 'STOWAGE_NOT_A_DIRECTORY':
      case 'STOWAGE_DIRECTORY_NOT_EMPTY':
      case 'STOWAGE_RANGE_NOT_SATISFIABLE':
      case 'STOWAGE_SIZE_MISMATCH':
      case 'STOWAGE_DIGEST_MISMATCH':
      case 'STOWAGE_ABORTED':
      case 'STOWAGE_TIMEOUT':
      case 'STOWAGE_BUSY':
      case 'STOWAGE_UNAVAILABLE':
      case 'STOWAGE_INSUFFICIENT_STORAGE':
      case 'STOWAGE_PERMISSION_DENIED':
      case 'STOWAGE_UNSAFE_PATH':
      case 'STOWAGE_IO':
      case 'STOWAGE_INVALID_ARGUMENT':
      case 'STOWAGE_UNAUTHENTICATED':
      case 'STOWAGE_FORBIDDEN':
      case 'STOWAGE_ALREADY_EXISTS':
      case 'STOWAGE_TOO_LARGE':
      case 'STOWAGE_REJECTED':
      case 'STOWAGE_LOOP_DETECTED':
      case 'STOWAGE_LOST':
      case 'STOWAGE_INTERNAL':
        return code;
      default: {
        const unhandled: never = code;
        return unhandled;
      }
    }
  };
  for (const code of [
    'STOWAGE_INVALID_PATH',
    'STOWAGE_INVALID_CONFIG',
    'STOWAGE_NOT_FOUND',
    'STOWAGE_IS_A_DIRECTORY',
    'STOWAGE_NOT_A_DIRECTORY',
    'STOWAGE_DIRECTORY_NOT_EMPTY',
    'STOWAGE_RANGE_NOT_SATISFIABLE',
    'STOWAGE_SIZE_MISMATCH',
    'STOWAGE_DIGEST_MISMATCH',
    'STOWAGE_ABORTED',
    'STOWAGE_TIMEOUT',
    'STOWAGE_BUSY',
    'STOWAGE_UNAVAILABLE',
    'STOWAGE_INSUFFICIENT_STORAGE',
    'STOWAGE_PERMISSION_DENIED',
    'STOWAGE_UNSAFE_PATH',
    'STOWAGE_IO',
    'STOWAGE_INVALID_ARGUMENT',
    'STOWAGE_UNAUTHENTICATED',
    'STOWAGE_FORBIDDEN',
    'STOWAGE_ALREADY_EXISTS',
    'STOWAGE_TOO_LARGE',
    'STOWAGE_REJECTED',
    'STOWAGE_LOOP_DETECTED',
    'STOWAGE_LOST',
    'STOWAGE_INTERNAL',
  ] as const) {
    all.push(visit(code));
  }
  return all;
}

interface DocumentedCode {
  readonly status: number;
  readonly retryable: boolean;
}

function documentedCodes(): Map<string, DocumentedCode> {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, DocumentedCode>();
  for (const match of doc.matchAll(/^\| `(STOWAGE_[A-Z_]+)` \| (\d{3}) \| (yes|no) \|/gm)) {
    rows.set(match[1] as string, { status: Number(match[2]), retryable: match[3] === 'yes' });
  }
  return rows;
}

t.test('the union, the registry and docs/errors.md list the same codes', async (t) => {
  const union = everyCodeOfTheUnion().sort();
  const registry = Object.keys(ERROR_CODES).sort();
  const documented = documentedCodes();
  t.same(registry, union, 'registry = union');
  t.same([...documented.keys()].sort(), union, 'docs = union');
  t.same([...STOWAGE_ERROR_CODES].sort(), union, 'STOWAGE_ERROR_CODES = union');
  for (const code of union) {
    t.same(documented.get(code), { status: ERROR_CODES[code].status, retryable: ERROR_CODES[code].retryable }, `${code} row`);
  }
});

t.test('every code is prefixed, has an HTTP error status and a meaning', async (t) => {
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    t.match(code, /^STOWAGE_[A-Z_]+$/);
    t.ok(spec.status >= 400 && spec.status <= 599, `${code} status`);
    t.ok(spec.meaning.length > 10, `${code} meaning`);
  }
  t.ok(Object.isFrozen(ERROR_CODES) && Object.isFrozen(STOWAGE_ERROR_CODES));
});

t.test('codes map to the statuses DESIGN.md and RELIABILITY.md require', async (t) => {
  t.equal(httpStatusOf('STOWAGE_NOT_FOUND'), 404);
  t.equal(httpStatusOf('STOWAGE_RANGE_NOT_SATISFIABLE'), 416);
  t.equal(httpStatusOf('STOWAGE_INSUFFICIENT_STORAGE'), 507);
  t.equal(httpStatusOf('STOWAGE_BUSY'), 503);
  t.equal(httpStatusOf('STOWAGE_TIMEOUT'), 504);
  t.equal(httpStatusOf('STOWAGE_INVALID_PATH'), 400);
});

t.test('isStowageErrorCode accepts registered codes only', async (t) => {
  t.ok(isStowageErrorCode('STOWAGE_IO'));
  t.notOk(isStowageErrorCode('STOWAGE_NOPE'));
  t.notOk(isStowageErrorCode('toString'));
  t.notOk(isStowageErrorCode(404));
});

t.test('a StowageError carries code, default retryability, status, frozen context and cause', async (t) => {
  const cause = new Error('root cause');
  const error = new StowageError('STOWAGE_TIMEOUT', 'too slow', { cause, context: { backend: 'b', path: 'p' } });
  t.equal(error.name, 'StowageError');
  t.equal(error.code, 'STOWAGE_TIMEOUT');
  t.equal(error.retryable, true);
  t.equal(error.status, 504);
  t.equal(error.cause, cause);
  t.same(error.context, { backend: 'b', path: 'p' });
  t.ok(Object.isFrozen(error.context));
  t.equal(error.retryAfterMs, undefined);
  t.ok(error instanceof Error);
});

t.test('an instance may override retryability and suggest a wait', async (t) => {
  const error = new StowageError('STOWAGE_IO', 'flaky', { retryable: true, retryAfterMs: 250 });
  t.equal(error.retryable, true);
  t.equal(error.retryAfterMs, 250);
  t.equal(new StowageError('STOWAGE_IO', 'x').retryable, false);
});

t.test('withContext completes the context, keeping the fields already set', async (t) => {
  const inner = new StowageError('STOWAGE_BUSY', 'busy', { context: { path: 'inner' }, retryAfterMs: 5, retryable: false });
  const outer = inner.withContext({ backend: 'b', operation: 'read', path: 'outer' });
  t.same(outer.context, { backend: 'b', operation: 'read', path: 'inner' });
  t.equal(outer.code, 'STOWAGE_BUSY');
  t.equal(outer.retryAfterMs, 5);
  t.equal(outer.retryable, false);
  t.equal(outer.stack, inner.stack);
  t.not(outer, inner);
});

t.test('toJSON is the HTTP body: message and code only', async (t) => {
  const error = new StowageError('STOWAGE_NOT_FOUND', 'No such file', {
    cause: new Error('/srv/secret/path'),
    context: { path: 'a' },
  });
  t.same(JSON.parse(JSON.stringify(error)), { error: 'No such file', code: 'STOWAGE_NOT_FOUND' });
});

t.test('isStowageError recognizes the brand, and optionally the code', async (t) => {
  const error = new StowageError('STOWAGE_IO', 'x');
  t.ok(isStowageError(error));
  t.ok(isStowageError(error, 'STOWAGE_IO'));
  t.notOk(isStowageError(error, 'STOWAGE_BUSY'));
  t.notOk(isStowageError(new Error('x')));
  t.notOk(isStowageError({ code: 'STOWAGE_IO' }), 'a look-alike object is not one');
  t.notOk(isStowageError(null));
  t.notOk(isStowageError('STOWAGE_IO'));
});

t.test('toStowageError keeps StowageErrors and wraps anything else as INTERNAL', async (t) => {
  const known = new StowageError('STOWAGE_NOT_FOUND', 'x');
  const kept = toStowageError(known, { backend: 'b' });
  t.equal(kept.code, 'STOWAGE_NOT_FOUND');
  t.equal(kept.context.backend, 'b');
  const plain = new Error('boom');
  const wrapped = toStowageError(plain, { operation: 'stat' });
  t.equal(wrapped.code, 'STOWAGE_INTERNAL');
  t.equal(wrapped.cause, plain);
  t.equal(wrapped.context.operation, 'stat');
  t.equal(toStowageError('a string').code, 'STOWAGE_INTERNAL');
});
