import type { ByteSource } from '../../backend.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { StowageError } from '../../stowage-error.js';
import type { PutContext } from './put-context.js';

/**
 * The `limit-size` stage: wraps every source so that the file's bytes beyond
 * `limits.maxFileBytes`, or the put's beyond `limits.maxTotalBytes`, fail the write with
 * `STOWAGE_TOO_LARGE` as soon as they arrive (the backend then commits nothing).
 */
export const limitSizeStage: Stage<PutContext> = {
  name: 'limit-size',
  async run(context, next) {
    const { maxFileBytes, maxTotalBytes } = context.services.config.limits;
    const total = { bytes: 0 };
    for (const file of context.files) {
      file.source = limited(file.source, file.index, maxFileBytes, maxTotalBytes, total);
    }
    await next();
  },
};

async function* limited(
  source: ByteSource,
  index: number,
  maxFileBytes: number,
  maxTotalBytes: number,
  total: { bytes: number },
): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.byteLength;
    total.bytes += chunk.byteLength;
    if (bytes > maxFileBytes) {
      throw new StowageError('STOWAGE_TOO_LARGE', `file ${index} is larger than ${maxFileBytes} bytes`, { context: { size: bytes } });
    }
    if (total.bytes > maxTotalBytes) {
      throw new StowageError('STOWAGE_TOO_LARGE', `the put is larger than ${maxTotalBytes} bytes`, { context: { size: total.bytes } });
    }
    yield chunk;
  }
}
