import { throwIfAborted } from '../../abort.js';
import { releaseSource } from '../../checked-source.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { isStowageError } from '../../stowage-error.js';
import { required } from '../layout.js';
import { stagingBackendOf } from './staged-write.js';
import type { PutContext } from './put-context.js';

/**
 * The `write` stage: streams each file, in order, to its shard. A shard that can stage
 * (`StagingBackend`) keeps the bytes in its own fsynced temp file until `store` renames it, once,
 * to the content address; any other shard stores them atomically at the file's staging path
 * (`<staging>/<upload id>/<n>`), from where `store` moves them. Either way a failed or aborted
 * transfer leaves nothing. Whatever happens after, staged bytes not committed are discarded and
 * the upload's staging folder is removed on every shard that used one; sources not yet consumed
 * when a write fails are released.
 */
export const writeStage: Stage<PutContext> = {
  name: 'write',
  async run(context, next) {
    const { router, config } = context.services;
    const signal = context.signal;
    const foldered = new Set<string>();
    try {
      for (const file of context.files) {
        throwIfAborted(signal);
        const shard = required(file.shard, 'the shard');
        const backend = router.shard(shard).backend;
        const options = {
          ...(file.expectedSize === undefined ? {} : { size: file.expectedSize }),
          ...(signal === undefined ? {} : { signal }),
        };
        const staging = stagingBackendOf(backend);
        if (staging === undefined) {
          foldered.add(shard);
          await backend.write(required(file.stagingPath, 'the staging path'), file.source, options);
        } else {
          file.staged = await staging.stageWrite(file.source, options);
        }
        required(file.digests, 'the digests of a written file');
      }
      config.checkpoint('put:staged');
      await next();
    } catch (error) {
      for (const file of context.input) releaseSource(file.source);
      throw error;
    } finally {
      for (const file of context.files) await file.staged?.discard();
      await removeStagingFolders(context, foldered);
    }
  },
};

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

async function removeStagingFolders(context: PutContext, shards: ReadonlySet<string>): Promise<void> {
  const { router, config } = context.services;
  if (context.uploadId === undefined) return;
  for (const name of shards) {
    try {
      await router.shard(name).backend.delete(`${config.layout.staging}/${context.uploadId}`, { recursive: true });
    } catch (error) {
      // A leftover staging folder is harmless: fsck removes stale ones. Programming errors surface.
      if (!isStowageError(error)) throw error;
    }
  }
}
