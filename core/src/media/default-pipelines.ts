import { Pipeline } from '../pipeline/pipeline.js';
import { deleteStage, markStage, removeAuthorizeStage, removeResolveStage } from './change/remove.js';
import { checkChainStage, recordReplacementStage, replaceAuthorizeStage, replaceResolveStage } from './change/replace.js';
import { blobCheckStage, entryCheckStage, entryStateCheckStage, orphanCheckStage, stagingCheckStage } from './jobs/fsck.js';
import { collectStage, expireStage } from './jobs/sweep.js';
import { hashStage } from './put/hash-stage.js';
import { limitSizeStage } from './put/limit-size-stage.js';
import { placeStage } from './put/place-stage.js';
import { commitStage, recordStage } from './put/record-stage.js';
import { storeStage } from './put/store-stage.js';
import { authorizeUploadStage, validateStage } from './put/validate-stage.js';
import { identifyStage, writeStage } from './put/write-stage.js';
import { listAuthorizeStage, listResolveStage } from './read/list.js';
import { authorizeReadStage, describeStage, readStage, redirectStage, resolveStage } from './read/read-stages.js';
import type { StowagePipelines } from './stowage.js';

/**
 * Fresh pipelines with the built-in stages, in order:
 * - put: validate, authorize, place, limit-size, hash, write, identify, store, record, commit
 * - open: resolve, authorize, redirect, read; stat: resolve, authorize, redirect, describe
 * - list: resolve, authorize; remove: resolve, authorize, mark, delete
 * - replace: resolve, authorize, check-chain, record; sweep: expire, collect
 * - fsck: staging, entry-states, blobs, entries, orphans
 */
export function createDefaultPipelines(): StowagePipelines {
  return Object.freeze({
    put: new Pipeline('put', [
      validateStage,
      authorizeUploadStage,
      placeStage,
      limitSizeStage,
      hashStage,
      writeStage,
      identifyStage,
      storeStage,
      recordStage,
      commitStage,
    ]),
    open: new Pipeline('open', [resolveStage, authorizeReadStage, redirectStage, readStage]),
    stat: new Pipeline('stat', [resolveStage, authorizeReadStage, redirectStage, describeStage]),
    list: new Pipeline('list', [listResolveStage, listAuthorizeStage]),
    remove: new Pipeline('remove', [removeResolveStage, removeAuthorizeStage, markStage, deleteStage]),
    replace: new Pipeline('replace', [replaceResolveStage, replaceAuthorizeStage, checkChainStage, recordReplacementStage]),
    sweep: new Pipeline('sweep', [expireStage, collectStage]),
    fsck: new Pipeline('fsck', [stagingCheckStage, entryStateCheckStage, blobCheckStage, entryCheckStage, orphanCheckStage]),
  });
}
