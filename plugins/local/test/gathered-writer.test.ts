import t from 'tap';
import fc from 'fast-check';
import type { Stats } from 'node:fs';
import { GatheredWriter } from '../src/gathered-writer.js';
import type { FileHandleLike } from '../src/file-system.js';

/** A file handle in memory that records its calls; `fail` makes a call of that kind reject. */
class MemoryHandle implements FileHandleLike {
  bytes = Buffer.alloc(0);
  readonly calls: string[] = [];
  fail: { call: 'write' | 'sync'; nth: number } | undefined;
  #count = { write: 0, sync: 0 };

  async read(): Promise<{ bytesRead: number }> {
    return { bytesRead: 0 };
  }

  async write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    this.#count.write++;
    this.calls.push(`write ${length}`);
    if (this.fail?.call === 'write' && this.fail.nth === this.#count.write) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    await new Promise((resolve) => setImmediate(resolve));
    // Short writes: at most 700 KiB at a time, so the writer must loop.
    const written = Math.min(length, 700 * 1024);
    const end = position + written;
    if (this.bytes.length < end) this.bytes = Buffer.concat([this.bytes, Buffer.alloc(end - this.bytes.length)]);
    this.bytes.set(buffer.subarray(offset, offset + written), position);
    return { bytesWritten: written };
  }

  async sync(): Promise<void> {
    this.#count.sync++;
    this.calls.push('sync');
    if (this.fail?.call === 'sync' && this.fail.nth === this.#count.sync) throw Object.assign(new Error('EIO'), { code: 'EIO' });
  }

  async stat(): Promise<Stats> {
    throw new Error('unused');
  }

  async chmod(): Promise<void> {}

  async close(): Promise<void> {}
}

t.test('chunks are gathered into large writes, whatever their sizes, and land in order', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 30 }), async (sizes) => {
      const handle = new MemoryHandle();
      const writer = new GatheredWriter(handle, undefined, 256 * 1024, 1024 * 1024);
      const reused = Buffer.alloc(300_000);
      const expected: Buffer[] = [];
      for (const [index, size] of sizes.entries()) {
        // The source reuses one buffer: the writer must have copied or written it already.
        reused.fill(index % 251, 0, size);
        expected.push(Buffer.from(reused.subarray(0, size)));
        await writer.add(reused.subarray(0, size));
      }
      await writer.finish();
      const all = Buffer.concat(expected);
      t.equal(writer.size, all.length);
      t.ok(handle.bytes.equals(all));
      t.ok(handle.calls.filter((call) => call.startsWith('write')).length <= Math.ceil(all.length / (256 * 1024)) * 2 + sizes.length);
    }),
    { numRuns: 40 },
  );
});

t.test('64 KiB socket chunks of a 20 MiB body become 1 MiB writes and two background fsyncs', async (t) => {
  const handle = new MemoryHandle();
  const writer = new GatheredWriter(handle);
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (let i = 0; i < 320; i++) await writer.add(chunk);
  await writer.finish();
  const writes = handle.calls.filter((call) => call.startsWith('write')).length;
  t.ok(writes <= 40, `${writes} write calls (short writes included) for 20 MiB`);
  t.equal(handle.calls.filter((call) => call === 'sync').length, 2, 'an fsync after each 8 MiB written');
  t.equal(handle.bytes.length, 20 * 1024 * 1024);
});

t.test('a small file takes a buffer of its own size', async (t) => {
  const handle = new MemoryHandle();
  const writer = new GatheredWriter(handle, 10);
  await writer.add(Buffer.from('0123456789'));
  await writer.finish();
  t.same(handle.calls, ['write 10']);
});

t.test('a failed write is thrown by a later call, and nothing more is written', async (t) => {
  const handle = new MemoryHandle();
  handle.fail = { call: 'write', nth: 1 };
  const writer = new GatheredWriter(handle, undefined, 1024, 1 << 20);
  await t.rejects(async () => {
    for (let i = 0; i < 4; i++) await writer.add(Buffer.alloc(512));
    await writer.finish();
  }, { code: 'ENOSPC' });
  await writer.settle();
  t.same(handle.calls, ['write 1024']);
});

t.test('a failed background fsync fails the write and is never retried', async (t) => {
  const handle = new MemoryHandle();
  handle.fail = { call: 'sync', nth: 1 };
  const writer = new GatheredWriter(handle, undefined, 1024, 2048);
  await t.rejects(async () => {
    for (let i = 0; i < 8; i++) await writer.add(Buffer.alloc(1024));
    await writer.finish();
  }, { code: 'EIO' });
  await writer.settle();
  t.equal(handle.calls.filter((call) => call === 'sync').length, 1);
});

t.test('a chunk as large as the buffer is written directly, after the write in flight', async (t) => {
  const handle = new MemoryHandle();
  const writer = new GatheredWriter(handle, undefined, 1024, 1 << 20);
  await writer.add(Buffer.alloc(1024, 1));
  await writer.add(Buffer.alloc(4096, 2));
  await writer.finish();
  t.same(handle.calls, ['write 1024', 'write 4096']);
  t.ok(handle.bytes.equals(Buffer.concat([Buffer.alloc(1024, 1), Buffer.alloc(4096, 2)])));
});
