import { randomBytes } from 'node:crypto';
import type { Stage } from '../../pipeline/pipeline.js';
import { plannedPathOf, stagingPathOf } from '../layout.js';
import type { PutContext } from './put-context.js';

/**
 * The `place` stage: fixes the upload time and a random upload id, then chooses a shard for each
 * file (by the router's strategy over the upload id and the file's index) and its staging path.
 * `plannedPath` (`<shard>:<staging path>`) is therefore chosen before any byte arrives.
 */
export const placeStage: Stage<PutContext> = {
  name: 'place',
  async run(context, next) {
    const { router, config } = context.services;
    const uploadId = randomBytes(16).toString('hex');
    context.uploadId = uploadId;
    context.services.uploads.add(uploadId);
    context.uploadedAt = new Date(config.clock().getTime());
    for (const file of context.files) {
      const shard = await router.place(`${uploadId}/${file.index}`);
      file.shard = shard.name;
      file.stagingPath = stagingPathOf(config.layout.staging, uploadId, file.index);
      file.plannedPath = plannedPathOf(shard.name, file.stagingPath);
    }
    try {
      await next();
    } finally {
      context.services.uploads.delete(uploadId);
    }
  },
};
