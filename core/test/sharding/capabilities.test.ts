import t from 'tap';
import { defineCapabilities } from '../../src/index.js';
import { intersectCapabilities } from '../../src/sharding/shard-capabilities.js';

t.test('capabilities are what every shard can do; precision is the coarsest; close is never offered', async (t) => {
  const fine = defineCapabilities({
    readWithRange: true,
    writeIsAtomic: true,
    listWithRecursive: true,
    statHasEtag: true,
    statHasModifiedAt: true,
    modifiedAtPrecisionMs: 1,
    nativeHashes: ['sha256', 'md5'],
    copy: true,
    rename: true,
    link: true,
    localPath: true,
    close: true,
  });
  const coarse = defineCapabilities({
    readWithRange: true,
    writeIsAtomic: false,
    statHasEtag: true,
    modifiedAtPrecisionMs: 2000,
    nativeHashes: ['md5', 'sha1'],
    copy: true,
    link: true,
    close: true,
  });
  t.same(intersectCapabilities([fine, coarse]), {
    readWithRange: true,
    writeIsAtomic: false,
    listWithRecursive: false,
    statHasEtag: true,
    statHasModifiedAt: false,
    modifiedAtPrecisionMs: 2000,
    nativeHashes: ['md5'],
    copy: true,
    rename: false,
    link: true,
    localPath: false,
    close: false,
  });
  t.same(intersectCapabilities([fine]).nativeHashes, ['sha256', 'md5']);
  t.ok(Object.isFrozen(intersectCapabilities([fine, coarse])));
});
