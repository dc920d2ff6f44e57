import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import { throwIfAborted } from '../abort.js';
import { archiveRejected } from './archive-rejection.js';
import { crc32 } from './crc32.js';
import { rejectionOf, type ZipMember } from './entry-checks.js';
import { exceedsRatio, type ExtractLimits } from './extract-limits.js';

/** What the members of one extraction share: the running total of inflated bytes and the open streams. */
export interface ExtractionState {
  inflated: number;
  readonly open: Set<Readable>;
}

/**
 * The inflated bytes of one member, checked as they arrive: the entry and total limits and the
 * ratio limit on the bytes actually inflated (never only on headers), no more than the declared
 * size, then the exact declared size and the CRC-32 at the end. (yauzl's `validateEntrySizes`
 * already stops a stream at its declared size, so with honest limits on declared sizes these
 * running checks are the second line of defence.)
 * The member's stream is destroyed however the iteration ends.
 *
 * Errors: `STOWAGE_REJECTED` with rule `size-mismatch`, `entry-size`, `total-size`, `ratio`,
 * `crc-mismatch` or `corrupt-data`; `STOWAGE_ABORTED` when `signal` aborts; a backend's own code
 * when reading the archive fails.
 */
export async function* memberBytes(
  zipfile: yauzl.ZipFile,
  entry: yauzl.Entry,
  member: ZipMember,
  limits: ExtractLimits,
  state: ExtractionState,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array, void, undefined> {
  const name = entry.fileName;
  throwIfAborted(signal);
  let stream: Readable;
  try {
    stream = await zipfile.openReadStreamPromise(entry);
  } catch (error) {
    throw rejectionOf(error, name);
  }
  state.open.add(stream);
  let count = 0;
  let crc = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(signal);
      count += chunk.length;
      state.inflated += chunk.length;
      if (count > limits.maxEntryBytes) throw archiveRejected('entry-size', 'an entry inflates to more bytes than allowed', name);
      if (state.inflated > limits.maxTotalBytes) throw archiveRejected('total-size', 'the archive inflates to more bytes than allowed', name);
      if (exceedsRatio(limits, count, member.compressedSize)) throw archiveRejected('ratio', 'an entry inflates past the ratio limit', name);
      if (count > member.size) throw archiveRejected('size-mismatch', 'an entry inflates to more bytes than declared', name);
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (error) {
    throw rejectionOf(error, name);
  } finally {
    stream.destroy();
    state.open.delete(stream);
  }
  if (count !== member.size) throw archiveRejected('size-mismatch', 'an entry inflates to fewer bytes than declared', name);
  if (crc !== member.crc32) throw archiveRejected('crc-mismatch', 'an entry does not match its CRC-32', name);
}
