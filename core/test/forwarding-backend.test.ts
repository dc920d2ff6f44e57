import t from 'tap';
import {
  applyLayers,
  createMemoryBackend,
  describeLayers,
  findBackendShapeProblems,
  ForwardingBackend,
  type Backend,
  type Layer,
} from '../src/index.js';

class Named extends ForwardingBackend {
  constructor(
    inner: Backend,
    override readonly layerName: string,
  ) {
    super(inner);
  }
}

const named =
  (name: string): Layer =>
  (inner) =>
    new Named(inner, name);

t.test('a forwarding backend forwards every operation and keeps info and capabilities', async (t) => {
  const memory = createMemoryBackend();
  const forwarded = new ForwardingBackend(memory);
  t.equal(forwarded.info, memory.info);
  t.equal(forwarded.capabilities, memory.capabilities);
  await forwarded.createDir('d');
  await forwarded.write('d/a', [Buffer.from('abc')]);
  t.equal((await forwarded.stat('d/a')).size, 3);
  await forwarded.copy!('d/a', 'd/b');
  await forwarded.rename!('d/b', 'd/c');
  const names: string[] = [];
  for await (const entry of forwarded.list('d')) names.push(entry.path);
  t.same(names.sort(), ['d/a', 'd/c']);
  const read = await forwarded.read('d/c');
  read.stream.resume();
  await forwarded.delete('d', { recursive: true });
  t.same(findBackendShapeProblems(forwarded), []);
});

t.test('optional operations the inner backend lacks stay absent', async (t) => {
  const memory = createMemoryBackend();
  const forwarded = new ForwardingBackend(memory);
  t.equal(forwarded.link, undefined);
  t.equal(forwarded.localPath, undefined);
  t.equal(forwarded.close, undefined);
  t.type(forwarded.copy, 'function');
  t.type(forwarded.rename, 'function');
});

t.test('optional operations the inner backend has are forwarded', async (t) => {
  let closed = 0;
  const inner: Backend = Object.assign(Object.create(createMemoryBackend()) as Backend, {
    link: async (path: string) => new URL(`https://x.test/${path}`),
    localPath: async (path: string) => `/srv/${path}`,
    close: async () => {
      closed += 1;
    },
  });
  const forwarded = new ForwardingBackend(inner);
  t.equal((await forwarded.link!('a')).href, 'https://x.test/a');
  t.equal(await forwarded.localPath!('a'), '/srv/a');
  await forwarded.close!();
  t.equal(closed, 1);
});

t.test('applyLayers folds first-innermost, and describeLayers shows the stack outermost first', async (t) => {
  const memory = createMemoryBackend();
  const stacked = applyLayers(memory, [named('inner'), named('middle'), named('outer')]);
  t.same(describeLayers(stacked), ['outer', 'middle', 'inner', 'memory']);
  t.same(describeLayers(memory), ['memory']);
  t.equal(applyLayers(memory, []), memory);
});
