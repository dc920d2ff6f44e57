import fc from 'fast-check';
import t from 'tap';
import type { EntryKey } from '../../src/catalog/entry.js';
import { StowageError } from '../../src/stowage-error.js';
import { accessError, notFoundError } from '../../src/policies/index.js';

const key: EntryKey = { id: 'a'.repeat(64), filename: 'report.pdf' };

/** Everything a caller can observe of an error, short of its stack. */
function observable(error: StowageError): unknown {
  return {
    name: error.name,
    code: error.code,
    status: error.status,
    message: error.message,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    context: error.context,
    cause: error.cause,
    hasCause: 'cause' in error,
    json: JSON.stringify(error),
    ownKeys: Reflect.ownKeys(error).filter((k) => k !== 'stack'),
  };
}

t.test('denied outcomes map to 401, 403 and 404', async (t) => {
  t.match(accessError('unauthenticated', key), { code: 'STOWAGE_UNAUTHENTICATED', status: 401 });
  t.match(accessError('forbidden', key), { code: 'STOWAGE_FORBIDDEN', status: 403 });
  t.match(accessError('hidden', key), { code: 'STOWAGE_NOT_FOUND', status: 404 });
  t.match(accessError('forbidden'), { code: 'STOWAGE_FORBIDDEN' });
  t.match(accessError('unauthenticated'), { code: 'STOWAGE_UNAUTHENTICATED' });
});

t.test('a hidden entry cannot be told apart from a missing one', async () => {
  const keyArb = fc.record({ id: fc.stringMatching(/^[0-9a-f]{64}$/), filename: fc.string({ minLength: 1 }) });
  fc.assert(
    fc.property(fc.option(keyArb, { nil: undefined }), (k) => {
      const hidden = observable(accessError('hidden', k));
      const missing = observable(notFoundError(k));
      return JSON.stringify(hidden) === JSON.stringify(missing);
    }),
  );
  t.same(observable(accessError('hidden', key)), observable(notFoundError(key)));
});

t.test('errors do not differ between two callers asking for the same key', async (t) => {
  t.same(observable(accessError('forbidden', key)), observable(accessError('forbidden', { ...key })));
});

t.test('there is no error for an allowed request', async (t) => {
  t.throws(() => accessError('allow' as 'forbidden', key), TypeError);
  t.throws(() => accessError('nope' as 'forbidden'), TypeError);
});
