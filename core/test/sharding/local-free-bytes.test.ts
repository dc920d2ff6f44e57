import { join } from 'node:path';
import t from 'tap';
import { localFreeBytes } from '../../src/sharding/index.js';

t.test('localFreeBytes reports the available bytes of the file system holding a directory', async (t) => {
  const bytes = await localFreeBytes(t.testdir())();
  t.ok(Number.isSafeInteger(bytes) && bytes > 0, `${bytes} bytes free`);
});

t.test('a directory that cannot be read is UNAVAILABLE', async (t) => {
  await t.rejects(localFreeBytes(join(t.testdir(), 'missing'))(), { code: 'STOWAGE_UNAVAILABLE' });
});

t.test('a directory that is not a non-empty path is INVALID_CONFIG at once', async (t) => {
  for (const directory of ['', 'a\0b', 5]) {
    t.throws(() => localFreeBytes(directory as string), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});
