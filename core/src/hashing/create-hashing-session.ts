import { StowageError } from '../stowage-error.js';
import { chooseHashingMode } from './auto-mode.js';
import { InlineHashEngine, WorkerHashEngine, type HashEngine } from './hash-engine.js';
import { sharedHashWorkerPool } from './hash-worker-pool.js';
import type { FileDigests, HashingSession, HashingSessionOptions } from './hashing-session.js';
import { assertIsoMillis } from './long-id-format.js';
import { assertChunk, saltBytesOf, utf8Of } from './text-bytes.js';

type Phase = 'between-files' | 'in-file' | 'finished' | 'disposed';

function misuse(message: string): StowageError {
  return new StowageError('STOWAGE_INTERNAL', `Hashing session misused: ${message}`);
}

/** A copy of `bytes` that owns its whole buffer, so it can be transferred to a worker. */
function ownCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** Enforces the order of calls and validates input; the engine only hashes. */
class Session implements HashingSession {
  readonly mode: 'inline' | 'worker';
  readonly #engine: HashEngine;
  #phase: Phase = 'between-files';
  #files = 0;

  constructor(mode: 'inline' | 'worker', engine: HashEngine) {
    this.mode = mode;
    this.#engine = engine;
  }

  beginFile(plannedPath: string): void {
    if (this.#phase !== 'between-files') throw misuse(`beginFile() while ${this.#phase}`);
    utf8Of(plannedPath, 'plannedPath');
    this.#engine.beginFile(plannedPath);
    this.#phase = 'in-file';
  }

  update(chunk: Uint8Array): void {
    if (this.#phase !== 'in-file') throw misuse(`update() while ${this.#phase}`);
    assertChunk(chunk);
    if (chunk.byteLength > 0) this.#engine.update(chunk);
  }

  drain(): Promise<void> {
    if (this.#phase === 'disposed' || this.#phase === 'finished') return Promise.resolve();
    return this.#engine.drain();
  }

  endFile(): Promise<FileDigests> {
    if (this.#phase !== 'in-file') return Promise.reject(misuse(`endFile() while ${this.#phase}`));
    this.#phase = 'between-files';
    this.#files++;
    return this.#engine.endFile();
  }

  async finish(author: string, salt: Uint8Array | string): Promise<string> {
    if (this.#phase !== 'between-files') throw misuse(`finish() while ${this.#phase}`);
    if (this.#files === 0) throw misuse('finish() before any file');
    const authorBytes = ownCopy(utf8Of(author, 'author'));
    const saltBytes = ownCopy(saltBytesOf(salt));
    this.#phase = 'finished';
    return this.#engine.finish(authorBytes, saltBytes);
  }

  dispose(): void {
    if (this.#phase === 'disposed') return;
    const finished = this.#phase === 'finished';
    this.#phase = 'disposed';
    if (!finished) this.#engine.dispose();
  }
}

/**
 * Starts the hashing of one upload (a single file, or a folder-like of several files under one
 * long id).
 *
 * The long id is `sha256(uploadedAt ‖ (plannedPath_i ‖ contents_i)… ‖ author ‖ salt)`, every
 * string in UTF-8 exactly as given, `‖` plain concatenation (see `LongIdHash` for why the
 * missing separators are harmless). Each file's SHA-256 and SHA-1 come from the same pass.
 *
 * Behavior:
 * - `uploadedAt` must be exactly `Date.prototype.toISOString()` output (use `toIsoMillis`),
 *   otherwise `STOWAGE_INVALID_ARGUMENT`; a non-string is a `TypeError`.
 * - `mode` defaults to `auto`; an unknown mode or an `expectedSize` that is not a safe integer
 *   >= 0 is `STOWAGE_INVALID_ARGUMENT`.
 * - `worker` mode leases a worker from `options.pool` (default: the shared pool) at once;
 *   `finish` or `dispose` gives it back. Always call one of them.
 * - Every mode yields the same digests and id for the same input, whatever the chunking.
 *
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT`
 */
export function createHashingSession(uploadedAt: string, options: HashingSessionOptions = {}): HashingSession {
  assertIsoMillis(uploadedAt);
  const mode = chooseHashingMode(options.mode ?? 'auto', options.expectedSize);
  if (mode === 'inline') return new Session('inline', new InlineHashEngine(uploadedAt));
  const pool = options.pool ?? sharedHashWorkerPool();
  return new Session('worker', new WorkerHashEngine(pool.lease(uploadedAt)));
}
