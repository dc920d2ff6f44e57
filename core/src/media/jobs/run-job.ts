import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { chainUnchecked, none } from 'stream-chain';
import { abortedError } from '../../abort.js';

/** What a job step answers for a record: a finding to report, or `none` to report nothing. */
export type JobStep<T, R> = (record: T) => Promise<R | typeof none>;

export { none };

/**
 * Runs a maintenance job as a stream-chain record stream: records flow one at a time (with
 * backpressure) from `source` through `steps`, and what the last step yields is collected.
 * Aborting stops the job with `STOWAGE_ABORTED`.
 */
export async function runJob<R>(
  source: AsyncIterable<unknown>,
  steps: readonly JobStep<never, unknown>[],
  signal?: AbortSignal,
): Promise<R[]> {
  const results: R[] = [];
  const sink = new Writable({
    objectMode: true,
    write(record: R, _encoding, callback) {
      results.push(record);
      callback();
    },
  });
  try {
    await pipeline(Readable.from(source), chainUnchecked([...steps]), sink, ...(signal === undefined ? [] : [{ signal }]));
  } catch (error) {
    if (signal?.aborted === true) throw abortedError(signal);
    throw error;
  }
  return results;
}
