import { resolve } from 'node:path';
import t from 'tap';
import { nodeFileSystem, parseLocalOptions } from '../src/index.js';

t.test('defaults are filled in, the root is made absolute, and the result is frozen', async (t) => {
  const options = parseLocalOptions({ root: 'relative/dir' });
  t.same(options, {
    root: resolve('relative/dir'),
    name: 'local',
    createRoot: true,
    fileMode: 0o644,
    directoryMode: 0o755,
    staleTempAfterMs: 3_600_000,
    fs: nodeFileSystem,
  });
  t.ok(Object.isFrozen(options));
});

t.test('given values are kept', async (t) => {
  const options = parseLocalOptions({
    root: '/srv/x',
    name: 'disk-a',
    createRoot: false,
    fileMode: 0o600,
    directoryMode: 0o700,
    staleTempAfterMs: 0,
  });
  t.match(options, { root: '/srv/x', name: 'disk-a', createRoot: false, fileMode: 0o600, directoryMode: 0o700, staleTempAfterMs: 0 });
});

t.test('each invalid field is rejected with INVALID_CONFIG naming it', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /options/],
    [null, /options/],
    ['root', /options/],
    [{}, /root/],
    [{ root: '' }, /root/],
    [{ root: 'a\0b' }, /root/],
    [{ root: 5 }, /root/],
    [{ root: '/x', name: '' }, /name/],
    [{ root: '/x', createRoot: 'yes' }, /createRoot/],
    [{ root: '/x', fileMode: 0o10000 }, /fileMode/],
    [{ root: '/x', fileMode: -1 }, /fileMode/],
    [{ root: '/x', directoryMode: 1.5 }, /directoryMode/],
    [{ root: '/x', staleTempAfterMs: -1 }, /staleTempAfterMs/],
    [{ root: '/x', staleTempAfterMs: '1' }, /staleTempAfterMs/],
    [{ root: '/x', fs: null }, /fs/],
  ];
  for (const [input, field] of cases) {
    t.throws(() => parseLocalOptions(input), { code: 'STOWAGE_INVALID_CONFIG', message: field }, JSON.stringify(input));
  }
});
