import type { ByteSource } from '../../backend.js';
import { createHashingSession, toIsoMillis, type HashingSession } from '../../hashing/index.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { required } from '../layout.js';
import type { PutContext, PutFileState } from './put-context.js';

/**
 * The `hash` stage: opens one hashing session for the put and wraps every source so that the
 * bytes `write` pulls are fed, in the same pass, into the file's SHA-256 and SHA-1 and into the
 * long id (which starts with the upload time and each file's planned path). The file's digests
 * are set the moment its last byte has passed. The session is released however the put ends.
 */
export const hashStage: Stage<PutContext> = {
  name: 'hash',
  async run(context, next) {
    const uploadedAt = toIsoMillis(required(context.uploadedAt, 'the upload time'));
    const largest = Math.max(0, ...context.files.map((file) => file.expectedSize ?? 0));
    const session = createHashingSession(uploadedAt, {
      mode: context.services.config.hashing,
      ...(largest > 0 ? { expectedSize: largest } : {}),
    });
    context.hashing = session;
    for (const file of context.files) file.source = hashed(file.source, file, session);
    try {
      await next();
    } finally {
      session.dispose();
    }
  },
};

async function* hashed(source: ByteSource, file: PutFileState, session: HashingSession): AsyncGenerator<Uint8Array> {
  session.beginFile(required(file.plannedPath, 'the planned path'));
  for await (const chunk of source) {
    session.update(chunk);
    // Backpressure towards a hashing worker: never run more than its in-flight limit ahead.
    await session.drain();
    yield chunk;
  }
  file.digests = await session.endFile();
}
