import fc from 'fast-check';
import t from 'tap';
import { defaultCount, MAX_BENCH_SIZE, parseBenchOptions, parseSize } from '../src/bench/index.js';

const INVALID = { code: 'STOWAGE_INVALID_CONFIG' };

t.test('the defaults: three sizes, 4 in flight, 10 seconds, counts picked per size', async (t) => {
  const options = parseBenchOptions(['--backend', 'memory:']);
  t.same(options, { backend: 'memory:', sizes: [4096, 1048576, 16777216], concurrency: 4, count: undefined, seconds: 10, keep: false, quiet: false });
  t.ok(Object.isFrozen(options));
});

t.test('every flag is read', async (t) => {
  const options = parseBenchOptions(['--backend', 'local:x', '--sizes', '1k,2MiB,3', '--concurrency', '8', '--count', '20', '--seconds', '2', '--keep', '--quiet']);
  t.same(options, { backend: 'local:x', sizes: [1024, 2097152, 3], concurrency: 8, count: 20, seconds: 2, keep: true, quiet: true });
});

t.test('a size is a count of bytes with an optional binary unit, any case', async () => {
  const units: [string, number][] = [['', 1], ['b', 1], ['k', 1024], ['KB', 1024], ['KiB', 1024], ['m', 1024 ** 2], ['MiB', 1024 ** 2], ['g', 1024 ** 3], ['GiB', 1024 ** 3]];
  fc.assert(
    fc.property(fc.constantFrom(...units), fc.integer({ min: 1, max: 1024 }), ([unit, scale], count) => {
      const bytes = count * scale;
      if (bytes > MAX_BENCH_SIZE) return;
      if (parseSize(`${count}${unit}`) !== bytes) throw new Error(`${count}${unit}`);
    }),
  );
});

t.test('malformed or out-of-range sizes are refused with STOWAGE_INVALID_CONFIG', async (t) => {
  for (const text of ['', 'k', '1.5MiB', '-1', '1 TiB', '0', '2GiB', '1x']) t.throws(() => parseSize(text), INVALID, text);
});

t.test('a missing backend, unknown flags, missing values and bad numbers are usage errors', async (t) => {
  const cases = [
    [],
    ['--backend'],
    ['--backend', ''],
    ['--backend', '--keep'],
    ['--backend', 'memory:', '--fast'],
    ['--backend', 'memory:', '--concurrency', '0'],
    ['--backend', 'memory:', '--concurrency', '1.5'],
    ['--backend', 'memory:', '--concurrency', '99999'],
    ['--backend', 'memory:', '--count', 'many'],
    ['--backend', 'memory:', '--seconds', '3601'],
    ['--backend', 'memory:', '--sizes', '1k,,2k'],
  ];
  for (const argv of cases) t.throws(() => parseBenchOptions(argv), INVALID, argv.join(' '));
});

t.test('the default count is 64 MiB worth of objects, from 8 to 2000', async (t) => {
  t.equal(defaultCount(4096), 2000);
  t.equal(defaultCount(1024 ** 2), 64);
  t.equal(defaultCount(16 * 1024 ** 2), 8);
  t.equal(defaultCount(1024 ** 3), 8);
});
