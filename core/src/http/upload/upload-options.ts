import type { Visibility } from '../../catalog/entry.js';
import { StowageError } from '../../stowage-error.js';
import { singleHeader, type DistinctHeaders } from './distinct-headers.js';

/** The put options an upload request may carry. */
export interface UploadPutOptions {
  visibility?: Visibility;
  readers?: readonly string[];
  writers?: readonly string[];
  keepDays?: number | null;
}

/** The option names, as form fields; as headers they are `X-Stowage-Visibility` and so on. */
export const UPLOAD_OPTION_FIELDS = Object.freeze(['visibility', 'readers', 'writers', 'keepDays'] as const);

/** One of {@link UPLOAD_OPTION_FIELDS}. */
export type UploadOptionField = (typeof UPLOAD_OPTION_FIELDS)[number];

const HEADER_OF: Readonly<Record<UploadOptionField, string>> = {
  visibility: 'x-stowage-visibility',
  readers: 'x-stowage-readers',
  writers: 'x-stowage-writers',
  keepDays: 'x-stowage-keep-days',
};

const KEEP_DAYS = /^(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,6})?$/;

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message);
}

/** `true` for the name of an upload option field (own names only: `__proto__` is not one). */
export function isUploadOptionField(name: string): name is UploadOptionField {
  return (UPLOAD_OPTION_FIELDS as readonly string[]).includes(name);
}

function principals(field: string, value: string): readonly string[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.some((name) => /[\u0000-\u001f\u007f-\u009f]/.test(name))) throw invalid(`${field} holds a control character`);
  return names;
}

/**
 * Parses the textual option values (form fields or headers) into put options.
 *
 * - `visibility`: `public` or `private`.
 * - `readers`, `writers`: principal names or `group:<name>`, comma-separated; blanks around
 *   names and empty items are dropped.
 * - `keepDays`: a positive decimal number of days, or `forever` (kept until removed).
 *
 * Errors: `STOWAGE_INVALID_ARGUMENT` naming the field.
 */
export function parseUploadOptions(values: ReadonlyMap<UploadOptionField, string>): UploadPutOptions {
  const options: UploadPutOptions = {};
  const visibility = values.get('visibility');
  if (visibility !== undefined) {
    if (visibility !== 'public' && visibility !== 'private') throw invalid('visibility must be "public" or "private"');
    options.visibility = visibility;
  }
  const readers = values.get('readers');
  if (readers !== undefined) options.readers = principals('readers', readers);
  const writers = values.get('writers');
  if (writers !== undefined) options.writers = principals('writers', writers);
  const keepDays = values.get('keepDays')?.trim();
  if (keepDays !== undefined) {
    if (keepDays === 'forever') options.keepDays = null;
    else if (KEEP_DAYS.test(keepDays) && Number(keepDays) > 0) options.keepDays = Number(keepDays);
    else throw invalid('keepDays must be a positive number of days or "forever"');
  }
  return options;
}

/** The option values a raw upload carries in `X-Stowage-*` headers (a repeated header is a 400). */
export function uploadOptionHeaders(headers: DistinctHeaders): Map<UploadOptionField, string> {
  const values = new Map<UploadOptionField, string>();
  for (const field of UPLOAD_OPTION_FIELDS) {
    const value = singleHeader(headers, HEADER_OF[field]);
    if (value !== undefined) values.set(field, value);
  }
  return values;
}
