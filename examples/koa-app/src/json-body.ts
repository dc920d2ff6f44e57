/** The largest JSON body the application's JSON routes read: 16 KiB. */
export const JSON_BODY_LIMIT = 16 * 1024;

/** The message of a JSON body over {@link JSON_BODY_LIMIT}. */
export const JSON_TOO_LARGE_MESSAGE = `a JSON body may hold at most ${JSON_BODY_LIMIT} bytes`;

const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*(?:utf-8|"utf-8")\s*)?$/i;

/** Whether a `Content-Type` announces UTF-8 JSON (`application/json`, optionally `; charset=utf-8`). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_TYPE.test(contentType.trim());
}
