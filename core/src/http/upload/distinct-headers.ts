import { StowageError } from '../../stowage-error.js';

/** Request headers with every occurrence kept apart, as `IncomingMessage.headersDistinct` gives them (lower-case names). */
export type DistinctHeaders = Readonly<Record<string, readonly string[] | undefined>>;

/** The one value of header `name`, `undefined` when absent; `STOWAGE_INVALID_ARGUMENT` when it is repeated. */
export function singleHeader(headers: DistinctHeaders, name: string): string | undefined {
  const values = headers[name];
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new StowageError('STOWAGE_INVALID_ARGUMENT', `the ${name} header appears more than once`);
  return values[0];
}
