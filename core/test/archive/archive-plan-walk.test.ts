import t from 'tap';
import { planArchive, type ArchiveEntry } from '../../src/archive/index.js';

const entry = (name: string): ArchiveEntry => ({ name, size: 0, open: async () => [] as never });

t.test('walk order: in each folder its subfolders, then its files, then into each subfolder', async (t) => {
  const names = ['foo.txt', 'bar/baz/bah.txt', 'bar/x.txt', 'a.txt', 'zed/q.txt'];
  const walk = planArchive(names.map(entry), { prefix: 'id', directories: true, order: 'walk' }).map((item) => item.name);
  t.same(walk, ['id/', 'id/bar/', 'id/zed/', 'id/a.txt', 'id/foo.txt', 'id/bar/baz/', 'id/bar/x.txt', 'id/bar/baz/bah.txt', 'id/zed/q.txt']);
  const ordinal = planArchive(names.map(entry), { prefix: 'id', directories: true }).map((item) => item.name);
  t.same([...ordinal].sort(), [...walk].sort(), 'the same items, only the order differs');
  t.same(ordinal, [...ordinal].sort(), 'the default is ordinal');
  const noDirectories = planArchive(names.map(entry), { order: 'walk' }).map((item) => item.name);
  t.same(noDirectories, ['a.txt', 'foo.txt', 'bar/x.txt', 'bar/baz/bah.txt', 'zed/q.txt'], 'folders are walked without entries too');
  t.throws(() => planArchive([], { order: 'random' as never }), { code: 'STOWAGE_INVALID_ARGUMENT' });
});
