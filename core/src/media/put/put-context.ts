import type { ByteSource } from '../../backend.js';
import type { CatalogEntry } from '../../catalog/entry.js';
import type { FileDigests, HashingSession } from '../../hashing/index.js';
import type { Principal } from '../../policies/index.js';
import type { MediaServices } from '../services.js';
import type { PutFile, PutOptions, PutResult } from '../types.js';
import type { StagedBytes } from './staged-write.js';

/** One file as it moves through the put pipeline. */
export interface PutFileState {
  readonly index: number;
  /** The normalized filename (NFC). */
  filename: string;
  contentType: string;
  /** The bytes, wrapped by stages (size limits, hashing) before `write` consumes them. */
  source: ByteSource;
  readonly expectedSize: number | undefined;
  /** The backend (shard) the bytes are staged on, chosen by `place`. */
  shard?: string;
  /** Where the bytes wait when the shard cannot stage them itself (set by `place`; see `write`). */
  stagingPath?: string;
  plannedPath?: string;
  /** The bytes staged in the shard's own temp file, when it is a `StagingBackend`; set by `write`. */
  staged?: StagedBytes;
  /** Set by the hashing wrapper once the file's bytes have all passed. */
  digests?: FileDigests;
  /** Where the blob ended up, set by `store`. */
  blob?: { readonly backend: string; readonly path: string; readonly reused: boolean };
}

/** The context the put pipeline's stages share. */
export interface PutContext {
  readonly services: MediaServices;
  readonly options: PutOptions;
  readonly principal: Principal | null;
  readonly signal: AbortSignal | undefined;
  /** The raw files as the caller gave them. */
  readonly input: readonly PutFile[];
  files: PutFileState[];
  /** Random, names the staging folder; set by `place`. */
  uploadId?: string;
  /** The upload time hashed into the long id; set by `place`. */
  uploadedAt?: Date;
  hashing?: HashingSession;
  /** The long id, set by `identify`. */
  id?: string;
  saltKeyId?: string;
  /** The recorded rows, set by `record`. */
  entries?: readonly CatalogEntry[];
  /** The answer, set by `commit`. */
  result?: PutResult;
  /** Arbitrary data application stages share. */
  readonly state: Record<string, unknown>;
}
