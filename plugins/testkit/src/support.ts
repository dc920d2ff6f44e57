import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isStowageError, type Backend, type StowageError, type StowageErrorCode } from '@stowage/core';

/** The UTF-8 bytes of `text`. */
export function bytesOf(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** `size` pseudo-random bytes, the same for the same `seed` (xorshift32). */
export function patternBytes(size: number, seed = 1): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let state = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Yields `bytes` in chunks of uneven sizes (1 byte to 256 KiB, zero-length ones included). */
export async function* unevenChunks(bytes: Uint8Array, seed = 7): AsyncGenerator<Uint8Array> {
  const sizes = patternBytes(4096, seed);
  let position = 0;
  for (let i = 0; position < bytes.byteLength; i++) {
    const pick = sizes[i % sizes.length] ?? 0;
    const size = pick === 0 ? 0 : pick < 16 ? pick : pick * 1024;
    yield bytes.subarray(position, position + size);
    position += size;
  }
}

/** The hex SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads a stream to its end. Chunks are kept by reference, not copied, so a stream that reuses
 * one buffer for several chunks corrupts the result and fails the case.
 */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) {
    if (!(chunk instanceof Uint8Array)) throw new assert.AssertionError({ message: 'a read stream yielded a non-byte chunk' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads a whole file. */
export async function readFile(backend: Backend, path: string): Promise<Buffer> {
  return readAll((await backend.read(path)).stream);
}

/** Writes `bytes` (or text) as one chunk. */
export async function writeFile(backend: Backend, path: string, content: Uint8Array | string): Promise<void> {
  await backend.write(path, [typeof content === 'string' ? bytesOf(content) : content]);
}

/** Asserts the file at `path` holds exactly `expected`. */
export async function assertContent(backend: Backend, path: string, expected: Uint8Array | string, message?: string): Promise<void> {
  const want = typeof expected === 'string' ? bytesOf(expected) : Buffer.from(expected);
  const got = await readFile(backend, path);
  assert.equal(got.byteLength, want.byteLength, message ?? `size of ${path}`);
  assert.ok(got.equals(want), message ?? `content of ${path}`);
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/** The sorted paths a listing yields, directories marked with a trailing `/`; a repeated entry fails. */
export async function listing(backend: Backend, path: string, recursive = false): Promise<string[]> {
  const entries = await collect(backend.list(path, { recursive }));
  const paths = entries.map((entry) => (entry.kind === 'directory' ? `${entry.path}/` : entry.path)).sort();
  const repeated = paths.filter((entry, index) => paths[index - 1] === entry);
  assert.deepEqual(repeated, [], `the listing of ${JSON.stringify(path)} repeats entries`);
  return paths;
}

/** Asserts `action` rejects with a `StowageError` of `code`, and returns it. */
export async function expectCode(
  action: Promise<unknown> | (() => Promise<unknown>),
  code: StowageErrorCode,
  message?: string,
): Promise<StowageError> {
  let outcome: { error: unknown } | undefined;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    outcome = { error };
  }
  assert.ok(outcome !== undefined, `${message ?? 'operation'}: expected ${code}, but it succeeded`);
  const { error } = outcome;
  assert.ok(isStowageError(error), `${message ?? 'operation'}: expected a StowageError ${code}, got ${String(error)}`);
  assert.equal(error.code, code, `${message ?? 'operation'}: error code`);
  return error;
}

/** Asserts `path` does not exist. */
export async function assertMissing(backend: Backend, path: string, message?: string): Promise<void> {
  await expectCode(backend.stat(path), 'STOWAGE_NOT_FOUND', message ?? `${path} should not exist`);
}

/** Waits for a stream to close, and returns the error it was destroyed with, if any. */
export function closed(stream: Readable): Promise<Error | undefined> {
  return new Promise((resolve) => {
    if (stream.closed) {
      resolve(stream.errored ?? undefined);
      return;
    }
    stream.once('error', () => undefined);
    stream.once('close', () => resolve(stream.errored ?? undefined));
  });
}

/** Settles like `promise`, or rejects with an assertion error naming `what` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message: what })), ms);
  });
  try {
    return await Promise.race([promise, overrun]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lets pending I/O callbacks run (handles closing after a stream closed). */
export async function quiesce(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextTurn();
}

/** Runs `action` and asserts the backend's open resources are back to their level afterwards. */
export async function withoutLeaks(
  context: { openResources(): Promise<number | undefined> },
  action: () => Promise<void>,
): Promise<void> {
  await quiesce();
  const before = await context.openResources();
  await action();
  await quiesce();
  const after = await context.openResources();
  if (before !== undefined && after !== undefined) {
    assert.ok(after <= before, `open resources went from ${before} to ${after}`);
  }
}

/** Runs `tasks` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
