import mime from 'mime-types';
import { essenceOf } from '../entry-headers.js';

/**
 * The content type to store for an uploaded file, given the type its uploader declared (a
 * multipart part's `Content-Type`, a raw body's `Content-Type`).
 *
 * The rule (RELIABILITY D22: never trust a client type): when the filename's extension has a
 * known type (mime-types), that type wins; the declared one is kept only when it names the same
 * `type/subtype` (so its parameters, like a charset, survive). When the extension says nothing,
 * the declared type is kept: it can only make a file render inline if it is an inline type, and
 * active types (HTML, SVG, XML, JS) are always served as sandboxed attachments. `undefined`
 * means "derive from the filename".
 */
export function uploadedContentType(filename: string, declared: string | undefined): string | undefined {
  if (declared === undefined) return undefined;
  const byName = mime.lookup(filename);
  if (byName === false) return declared;
  return essenceOf(declared) === byName ? declared : undefined;
}
