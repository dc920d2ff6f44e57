import t from 'tap';
import type { Backend, BackendEntry, ByteSource, OperationOptions, WriteOptions } from '../../src/backend.js';
import { ForwardingBackend } from '../../src/forwarding-backend.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { stagingBackendOf, type StagedBytes, type StagingBackend } from '../../src/media/put/staged-write.js';
import { StowageError } from '../../src/stowage-error.js';
import { bytesOf, mediaFixture, sha256Hex } from '../helpers/media-fixture.js';

/**
 * A memory backend that can stage: staged bytes wait in a map (its "temp files") until a commit
 * writes them at their path. Counts what happens, so the tests see which protocol a put used.
 */
class StagingMemoryBackend extends ForwardingBackend implements StagingBackend {
  readonly temps = new Map<number, Buffer>();
  readonly log: string[] = [];
  failCommit = false;
  #next = 0;

  constructor() {
    super(createMemoryBackend({ name: 'default' }));
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    this.log.push(`write ${path}`);
    return super.write(path, source, options);
  }

  async stageWrite(source: ByteSource, options: WriteOptions = {}): Promise<StagedBytes> {
    const parts: Buffer[] = [];
    for await (const chunk of source) parts.push(Buffer.from(chunk));
    const bytes = Buffer.concat(parts);
    if (options.size !== undefined && bytes.length !== options.size) throw new StowageError('STOWAGE_SIZE_MISMATCH', 'size');
    const id = this.#next++;
    this.temps.set(id, bytes);
    this.log.push(`stage ${id}`);
    let done = false;
    return {
      size: bytes.length,
      commit: async (path: string, commitOptions?: OperationOptions) => {
        if (done) throw new StowageError('STOWAGE_INTERNAL', 'committed twice');
        if (this.failCommit) throw new StowageError('STOWAGE_IO', 'the rename failed');
        done = true;
        this.log.push(`commit ${id} ${path}`);
        const entry = await this.inner.write(path, [bytes], commitOptions);
        this.temps.delete(id);
        return entry;
      },
      discard: async () => {
        if (this.temps.delete(id)) this.log.push(`discard ${id}`);
      },
    };
  }
}

function stagingFixture(): ReturnType<typeof mediaFixture> & { backend: StagingMemoryBackend } {
  const backend = new StagingMemoryBackend();
  return { ...mediaFixture({ backends: backend as Backend }), backend };
}

t.test('stagingBackendOf sees the extension, and not through a layer', async (t) => {
  const backend = new StagingMemoryBackend();
  t.equal(stagingBackendOf(backend), backend);
  t.equal(stagingBackendOf(createMemoryBackend()), undefined);
  t.equal(stagingBackendOf(new ForwardingBackend(backend)), undefined, 'a layer keeps the portable path');
});

t.test('a put on a staging backend writes once and commits once, at the content address', async (t) => {
  const { stowage, backend, labels } = stagingFixture();
  const result = await stowage.put({ filename: 'a.txt', source: [Buffer.from('hello')] }, { principal: { name: 'alice' } });
  const sha = sha256Hex('hello');
  const path = `blobs/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;
  t.same(backend.log, ['stage 0', `commit 0 ${path}`], 'no staging path, no second move');
  t.equal(backend.temps.size, 0);
  t.match(result.entries[0]?.plannedPath, /^default:incoming\/[0-9a-f]{32}\/0$/, 'the planned path hashed into the id is unchanged');
  t.same(labels, ['put:staged', 'put:claimed', 'put:moved', 'put:stored', 'put:recorded', 'put:committed']);
  t.equal(await stowage.verifyLongId(result.id), true);
  const opened = await stowage.open({ id: result.id, filename: 'a.txt' }, { principal: { name: 'alice' } });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.equal((await bytesOf(opened.stream)).toString(), 'hello');
});

t.test('the same content again discards its staged copy and reuses the blob', async (t) => {
  const { stowage, backend } = stagingFixture();
  await stowage.put({ filename: 'a.txt', source: [Buffer.from('same')] });
  const again = await stowage.put({ filename: 'b.txt', source: [Buffer.from('same')] });
  t.same(again.deduplicated, [true]);
  t.same(backend.log.slice(2), ['stage 1', 'discard 1']);
  t.equal(backend.temps.size, 0);
});

t.test('a commit that fails releases the claim, discards the staged bytes and records nothing', async (t) => {
  const { stowage, backend, catalog } = stagingFixture();
  backend.failCommit = true;
  await t.rejects(stowage.put({ filename: 'a.txt', source: [Buffer.from('doomed')] }), { code: 'STOWAGE_IO' });
  t.equal(backend.temps.size, 0, 'the staged bytes were dropped');
  t.equal(await catalog.getBlob(sha256Hex('doomed')), undefined, 'the claim was released');
  backend.failCommit = false;
  const retried = await stowage.put({ filename: 'a.txt', source: [Buffer.from('doomed')] });
  t.same(retried.deduplicated, [false]);
});

t.test('a failure after staging (a rejecting stage) discards what was staged and not committed', async (t) => {
  const { stowage, backend } = stagingFixture();
  stowage.pipeline('put').use(
    {
      name: 'refuse',
      async run() {
        throw new StowageError('STOWAGE_REJECTED', 'a virus scanner said no');
      },
    },
    { before: 'store' },
  );
  await t.rejects(
    stowage.put([
      { filename: 'a.txt', source: [Buffer.from('one')] },
      { filename: 'b.txt', source: [Buffer.from('two')] },
    ]),
    { code: 'STOWAGE_REJECTED' },
  );
  t.same(backend.log, ['stage 0', 'stage 1', 'discard 0', 'discard 1']);
  t.equal(backend.temps.size, 0);
});
