import { Readable } from 'node:stream';
import type { Backend, ReadOptions, ReadResult } from '../../../src/backend.js';
import { ForwardingBackend } from '../../../src/forwarding-backend.js';
import { createMemoryBackend } from '../../../src/memory-backend.js';
import { StowageError } from '../../../src/stowage-error.js';

/**
 * A memory backend that counts the read streams open at once, and can make the stream of a path
 * fail after some bytes (a backend failing mid-read).
 */
export class CountingBackend extends ForwardingBackend {
  open = 0;
  maxOpen = 0;
  readonly reads: string[] = [];
  readonly streams: Readable[] = [];
  readonly failures = new Map<string, number>();

  constructor(inner: Backend = createMemoryBackend({ name: 'counting' })) {
    super(inner);
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const result = await this.inner.read(path, options);
    this.reads.push(path);
    const failAfter = this.failures.get(path);
    const stream = failAfter === undefined ? result.stream : failing(result.stream, failAfter);
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    this.streams.push(stream);
    stream.once('close', () => this.open--);
    return { ...result, stream };
  }
}

/** Passes `bytes` bytes of `inner`, then errors with `STOWAGE_IO`. */
function failing(inner: Readable, bytes: number): Readable {
  let passed = 0;
  const out = new Readable({
    read() {
      inner.resume();
    },
    destroy(error, callback) {
      inner.destroy();
      callback(error);
    },
  });
  inner.on('data', (chunk: Buffer) => {
    const room = bytes - passed;
    if (room <= 0) return;
    const part = chunk.subarray(0, room);
    passed += part.length;
    if (!out.push(part)) inner.pause();
    if (passed >= bytes) out.destroy(new StowageError('STOWAGE_IO', 'the disk failed mid-read'));
  });
  inner.pause();
  return out;
}
