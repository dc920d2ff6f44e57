import t from 'tap';
import {
  assertBackendShape,
  createMemoryBackend,
  defineCapabilities,
  findBackendShapeProblems,
  type Backend,
} from '../src/index.js';

function variant(overrides: Record<string, unknown>): Backend {
  const memory = createMemoryBackend();
  return Object.assign(Object.create(memory) as Backend, overrides);
}

t.test('a well-formed backend has no problems', async (t) => {
  t.same(findBackendShapeProblems(createMemoryBackend()), []);
  t.doesNotThrow(() => assertBackendShape(createMemoryBackend()));
});

t.test('unfrozen or incomplete info and capabilities are problems', async (t) => {
  t.match(findBackendShapeProblems(variant({ info: { scheme: 'x', name: 'y', root: '' } })), ['info is not a frozen object']);
  t.match(findBackendShapeProblems(variant({ info: Object.freeze({ scheme: '', name: '', root: 1 }) })), [
    'info.scheme is not a non-empty string',
    'info.name is not a non-empty string',
    'info.root is not a string',
  ]);
  t.match(findBackendShapeProblems(variant({ capabilities: { ...createMemoryBackend().capabilities } })), [
    'capabilities is not a frozen object',
  ]);
  t.match(
    findBackendShapeProblems(
      variant({ capabilities: Object.freeze({ ...createMemoryBackend().capabilities, nativeHashes: ['sha256'] }) }),
    ),
    ['capabilities.nativeHashes is not frozen'],
  );
});

t.test('missing required operations and mismatched optional ones are problems', async (t) => {
  t.match(findBackendShapeProblems(variant({ stat: undefined })), ['stat is not a function']);
  t.match(findBackendShapeProblems(variant({ link: async () => new URL('https://x.test') })), [
    'link is present but capabilities.link is false',
  ]);
  t.match(
    findBackendShapeProblems(variant({ capabilities: defineCapabilities({ ...createMemoryBackend().capabilities, close: true }) })),
    ['close is absent but capabilities.close is true'],
  );
  t.throws(() => assertBackendShape(variant({ read: 1 })), TypeError);
});

t.test('defineCapabilities defaults every flag and freezes the result', async (t) => {
  const capabilities = defineCapabilities({ copy: true, nativeHashes: ['sha1'] });
  t.equal(capabilities.copy, true);
  t.equal(capabilities.rename, false);
  t.equal(capabilities.modifiedAtPrecisionMs, 1000);
  t.ok(Object.isFrozen(capabilities) && Object.isFrozen(capabilities.nativeHashes));
});
