import { throwIfAborted } from '../../abort.js';
import { releaseSource } from '../../checked-source.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { isStowageError } from '../../stowage-error.js';
import { required } from '../layout.js';
import type { PutContext } from './put-context.js';

/**
 * The `write` stage: streams each file, in order, to its staging path on its shard (the backend
 * write is atomic, so a failed or aborted transfer leaves nothing there). Whatever happens after,
 * the upload's staging folder is removed on every shard it used; sources not yet consumed when a
 * write fails are released.
 */
export const writeStage: Stage<PutContext> = {
  name: 'write',
  async run(context, next) {
    const { router, config } = context.services;
    const signal = context.signal;
    try {
      for (const file of context.files) {
        throwIfAborted(signal);
        const backend = router.shard(required(file.shard, 'the shard')).backend;
        await backend.write(required(file.stagingPath, 'the staging path'), file.source, {
          ...(file.expectedSize === undefined ? {} : { size: file.expectedSize }),
          ...(signal === undefined ? {} : { signal }),
        });
        required(file.digests, 'the digests of a written file');
      }
      config.checkpoint('put:staged');
      await next();
    } catch (error) {
      for (const file of context.input) releaseSource(file.source);
      throw error;
    } finally {
      await removeStagingFolders(context);
    }
  },
};

async function removeStagingFolders(context: PutContext): Promise<void> {
  const { router, config } = context.services;
  if (context.uploadId === undefined) return;
  const shards = new Set(context.files.flatMap((file) => (file.shard === undefined ? [] : [file.shard])));
  for (const name of shards) {
    try {
      await router.shard(name).backend.delete(`${config.layout.staging}/${context.uploadId}`, { recursive: true });
    } catch (error) {
      // A leftover staging folder is harmless: fsck removes stale ones. Programming errors surface.
      if (!isStowageError(error)) throw error;
    }
  }
}

/**
 * The `identify` stage: ends the hashing session with the author (the principal's name, `""`
 * for anonymous) and the current salt, which gives the long id, and records the salt's key id.
 */
export const identifyStage: Stage<PutContext> = {
  name: 'identify',
  async run(context, next) {
    const { keyId, salt } = context.services.keyring.current();
    context.id = await required(context.hashing, 'the hashing session').finish(context.principal?.name ?? '', salt);
    context.saltKeyId = keyId;
    await next();
  },
};
