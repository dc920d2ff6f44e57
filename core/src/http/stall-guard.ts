import { PassThrough, pipeline, type Readable } from 'node:stream';
import { StowageError } from '../stowage-error.js';

/**
 * The bytes of `source`, failing with `STOWAGE_TIMEOUT` (and destroying `source`) once no chunk
 * has been taken by the consumer for `idleMs`: a client that stopped reading, or a source that
 * stopped delivering. The fetch path's counterpart of the socket idle timeout of node:http, so a
 * fetch runtime's response body is never held open forever.
 */
export function stallGuard(source: Readable, idleMs: number): Readable {
  const guarded = new PassThrough({ highWaterMark: source.readableHighWaterMark });
  const timer = setTimeout(() => {
    guarded.destroy(new StowageError('STOWAGE_TIMEOUT', `no progress for ${idleMs} ms`));
  }, idleMs);
  timer.unref();
  guarded.on('data', () => timer.refresh());
  pipeline(source, guarded, () => clearTimeout(timer));
  return guarded;
}
