/** The smallest read worth a recycled buffer; smaller reads get a plain allocation. */
const MIN_POOLED = 16 * 1024;
/** The smallest chunk the read-ahead budget lowers a stream to. */
const MIN_CHUNK = 64 * 1024;

/** The smallest power of two at least `size` (`size` > 0). */
function powerOfTwoAtLeast(size: number): number {
  return 2 ** Math.ceil(Math.log2(size));
}

/**
 * Read buffers recycled across streams. Every pooled buffer owns its `ArrayBuffer` (it is never
 * a slice of Node's shared allocation pool), and its size is a power of two, so a buffer handed
 * back can serve any later read of that size class.
 *
 * Why: a fresh buffer per read is fresh memory for the kernel to fault in and for the garbage
 * collector to reclaim (with 1 MiB reads, three times the CPU of reading into a reused buffer).
 *
 * Behavior: `take` returns a free buffer of the size class, or allocates one; `give` keeps a
 * buffer for reuse unless `maxFreeBytes` are already kept, then drops it to the collector. A
 * buffer must be given back only once nothing (a socket write in flight, a consumer holding a
 * chunk) can still read it.
 */
export class ReadBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes: number) {}

  /** A buffer of at least `size` bytes (> 0); pooled when `size` is at least 16 KiB. */
  take(size: number): { buffer: Buffer; pooled: boolean } {
    if (size < MIN_POOLED) return { buffer: Buffer.allocUnsafe(size), pooled: false };
    const sizeClass = powerOfTwoAtLeast(size);
    const buffer = this.free.get(sizeClass)?.pop();
    if (buffer === undefined) return { buffer: Buffer.allocUnsafeSlow(sizeClass), pooled: true };
    this.freeBytes -= sizeClass;
    return { buffer, pooled: true };
  }

  /**
   * Hands back a buffer `take` returned as pooled, for reuse. When the pool is full, idle
   * buffers of other size classes make room for it: the class coming back is the one streams
   * read with now (the budget moves every stream to smaller chunks as more open), and a pool
   * full of a class nobody takes any more would send every read to a fresh allocation.
   */
  give(buffer: Buffer): void {
    const size = buffer.byteLength;
    for (const [sizeClass, list] of this.free) {
      if (this.freeBytes + size <= this.maxFreeBytes) break;
      if (sizeClass === size) continue;
      while (list.length > 0 && this.freeBytes + size > this.maxFreeBytes) {
        list.pop();
        this.freeBytes -= sizeClass;
      }
    }
    if (this.freeBytes + size > this.maxFreeBytes) return;
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.freeBytes += size;
  }

  /** The bytes kept for reuse. */
  get keptBytes(): number {
    return this.freeBytes;
  }
}

/**
 * A process-wide read-ahead budget: the more streams are open, the smaller each one's chunks,
 * so that many concurrent downloads do not each hold megabytes (a stream keeps about three
 * chunks alive: one read in flight, one buffered, one in the socket's queue).
 *
 * Behavior: `chunkSize(preferred)` halves `preferred` (a power of two) until it fits
 * `budgetBytes / open streams`, never below 64 KiB nor above `preferred`.
 */
export class ReadAheadBudget {
  private open = 0;

  constructor(private readonly budgetBytes: number) {}

  /** Counts a stream as open; call the returned function once when it closes. */
  enter(): () => void {
    this.open++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.open--;
    };
  }

  /** The chunk size a stream that prefers `preferred` reads with now. */
  chunkSize(preferred: number): number {
    const share = this.budgetBytes / Math.max(1, this.open);
    let size = preferred;
    while (size > MIN_CHUNK && size > share) size /= 2;
    return size;
  }

  /** The streams counted as open. */
  get openStreams(): number {
    return this.open;
  }
}

/** The pool the local backend's reads share: up to 8 MiB of free buffers are kept. */
export const readBufferPool = new ReadBufferPool(8 * 1024 * 1024);

/** The budget the local backend's reads share: 8 MiB of chunks across open streams. */
export const readAheadBudget = new ReadAheadBudget(8 * 1024 * 1024);
