import { Transform, type TransformCallback } from 'node:stream';
import type { HashingSession } from './hashing-session.js';

/**
 * A pass-through `Transform` for `node:stream` pipelines that feeds every chunk to
 * `session.update` and passes it on unchanged.
 *
 * Behavior:
 * - The caller opens the file (`beginFile`) before bytes flow and ends it (`endFile`) after the
 *   pipeline finishes; the tap only feeds bytes.
 * - Each chunk is passed on after `session.drain()` resolves, so a source faster than the
 *   worker waits instead of queueing copies (at once in `inline` mode).
 * - A failing `update` (`STOWAGE_INTERNAL` for a session with no open file, a `TypeError` for an
 *   object-mode chunk that is not a `Uint8Array`) or `drain` errors the stream with that error.
 */
export function hashingTap(session: HashingSession): Transform {
  return new Transform({
    transform(chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        session.update(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      session.drain().then(
        () => callback(null, chunk),
        (error: unknown) => callback(error as Error),
      );
    },
  });
}
