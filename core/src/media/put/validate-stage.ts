import mime from 'mime-types';
import { normalizePath } from '../../path.js';
import { StowageError } from '../../stowage-error.js';
import type { Stage } from '../../pipeline/pipeline.js';
import type { PutOptions } from '../types.js';
import type { PutContext, PutFileState } from './put-context.js';

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;.{0,256})?$/i;

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message);
}

/**
 * One to 255 printable ASCII characters but `/` and `\`: a name {@link normalizePath} keeps as it
 * is (ASCII is its own NFC form), checked without it on every download.
 */
const PLAIN_FILENAME = /^[\x20-\x2e\x30-\x5b\x5d-\x7e]{1,255}$/;

/** Checks a filename is one path segment and returns its NFC form; `STOWAGE_INVALID_PATH` otherwise. */
export function normalizeFilename(filename: unknown): string {
  if (typeof filename !== 'string' || filename === '') {
    throw new StowageError('STOWAGE_INVALID_PATH', 'a filename must be a non-empty string');
  }
  if (filename !== '.' && filename !== '..' && PLAIN_FILENAME.test(filename)) return filename;
  const normalized = normalizePath(filename);
  if (normalized.includes('/') || normalized === '' || normalized !== filename.normalize('NFC')) {
    throw new StowageError('STOWAGE_INVALID_PATH', 'a filename must be one name, without "/"', { context: { path: normalized } });
  }
  return normalized;
}

function principalList(name: string, list: unknown): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw invalid(`options.${name} must be an array of non-empty strings`);
  }
}

/** Validates the options of a put; `STOWAGE_INVALID_ARGUMENT` naming the field. */
export function validatePutOptions(options: PutOptions): void {
  if (options.visibility !== undefined && options.visibility !== 'public' && options.visibility !== 'private') {
    throw invalid('options.visibility must be "public" or "private"');
  }
  principalList('readers', options.readers);
  principalList('writers', options.writers);
  const days = options.keepDays;
  if (days !== undefined && days !== null && (typeof days !== 'number' || !Number.isFinite(days) || days <= 0)) {
    throw invalid('options.keepDays must be a number of days > 0, or null');
  }
}

/**
 * The `validate` stage: the file list is non-empty and within `limits.maxFiles`, filenames are
 * single NFC names and unique within the put, content types are well-formed (or guessed from
 * the filename), and declared sizes are within `limits.maxFileBytes`. Reads no bytes.
 */
export const validateStage: Stage<PutContext> = {
  name: 'validate',
  async run(context, next) {
    const { limits } = context.services.config;
    validatePutOptions(context.options);
    if (context.input.length === 0) throw invalid('a put needs at least one file');
    if (context.input.length > limits.maxFiles) {
      throw new StowageError('STOWAGE_TOO_LARGE', `a put may hold at most ${limits.maxFiles} files`);
    }
    const seen = new Set<string>();
    context.files = context.input.map((file, index): PutFileState => {
      if (typeof file !== 'object' || file === null || file.source === undefined || file.source === null) {
        throw invalid(`file ${index} needs a filename and a source`);
      }
      const filename = normalizeFilename(file.filename);
      if (seen.has(filename)) throw invalid(`the filename "${filename}" appears twice in one put`);
      seen.add(filename);
      const contentType = file.contentType ?? (mime.lookup(filename) || 'application/octet-stream');
      if (typeof contentType !== 'string' || !MEDIA_TYPE.test(contentType)) {
        throw invalid(`file ${index} has a malformed content type`);
      }
      if (file.size !== undefined && (!Number.isSafeInteger(file.size) || file.size < 0)) {
        throw invalid(`file ${index} has a size that is not an integer >= 0`);
      }
      if (file.size !== undefined && file.size > limits.maxFileBytes) {
        throw new StowageError('STOWAGE_TOO_LARGE', `file ${index} is larger than ${limits.maxFileBytes} bytes`);
      }
      return { index, filename, contentType, source: file.source, expectedSize: file.size };
    });
    await next();
  },
};

/**
 * The `authorize` stage: asks `permissions.canUpload`, when configured, before any byte is read.
 * A refusal is `STOWAGE_UNAUTHENTICATED` for an anonymous caller, `STOWAGE_FORBIDDEN` otherwise.
 */
export const authorizeUploadStage: Stage<PutContext> = {
  name: 'authorize',
  async run(context, next) {
    const guard = context.services.config.canUpload;
    if (guard !== undefined && !(await guard(context.principal))) {
      throw context.principal === null
        ? new StowageError('STOWAGE_UNAUTHENTICATED', 'uploads need a principal')
        : new StowageError('STOWAGE_FORBIDDEN', 'this principal may not upload');
    }
    await next();
  },
};
