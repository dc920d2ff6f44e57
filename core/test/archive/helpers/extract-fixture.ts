import type { Readable } from 'node:stream';
import type { Test } from 'tap';
import { archive, archiveRejectionOf, extract, type ArchiveEntry, type ArchiveOptions, type ArchiveRule, type ExtractLimits } from '../../../src/archive/index.js';
import type { Backend } from '../../../src/backend.js';
import { isStowageError } from '../../../src/stowage-error.js';
import { mediaFixture, type MediaFixture } from '../../helpers/media-fixture.js';

/** Every file a backend holds, recursively. */
export async function filesOf(backend: Backend): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of backend.list('', { recursive: true })) if (entry.kind === 'file') paths.push(entry.path);
  return paths.sort();
}

/** Asserts that a media fixture holds no entry and no file at all (no blob, no staging leftover). */
export async function assertNothingStored(t: Test, fixture: MediaFixture): Promise<void> {
  const entries = [];
  for await (const entry of fixture.catalog.scanEntries()) entries.push(entry);
  t.same(entries, [], 'no catalog entry');
  for (const [name, backend] of Object.entries(fixture.backends)) t.same(await filesOf(backend), [], `no file on ${name}`);
}

/** Awaits a rejection and answers its error; fails the test when the promise resolves. */
export async function rejectionOf(t: Test, promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  t.fail('expected a rejection');
  return undefined;
}

/** Asserts `STOWAGE_REJECTED` with `rule` in its context. */
export async function expectRule(t: Test, promise: Promise<unknown>, rule: ArchiveRule, message = `rejected: ${rule}`): Promise<void> {
  const error = await rejectionOf(t, promise);
  t.equal(isStowageError(error) ? error.code : String(error), 'STOWAGE_REJECTED', `${message} (code)`);
  t.equal(archiveRejectionOf(error)?.rule, rule, message);
}

/**
 * Extracts `zip` into a fresh media fixture and asserts the rule and that nothing was stored.
 * The extraction is done twice: into Stowage, and (unless `intoStowageOnly`, for the rules of
 * flattening into a folder-like) through staging with a commit that must not run.
 */
export async function expectHostile(t: Test, zip: Buffer, rule: ArchiveRule, limits: Partial<ExtractLimits> = {}, intoStowageOnly = false): Promise<void> {
  const fixture = mediaFixture();
  await expectRule(t, extract({ buffer: zip }, { stowage: fixture.stowage, limits }), rule, `into stowage: ${rule}`);
  await assertNothingStored(t, fixture);
  if (intoStowageOnly) return;
  const staging = fixture.backends['default'] as Backend;
  let committed = false;
  await expectRule(
    t,
    extract({ buffer: zip }, {
      limits,
      staging: { backend: staging },
      commit: async () => {
        committed = true;
      },
    }),
    rule,
    `through staging: ${rule}`,
  );
  t.equal(committed, false, 'the commit never ran');
  t.same(await filesOf(staging), [], 'the staging folder is gone');
}

/** Reads a whole stream. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** An archive entry over bytes in memory. */
export function bufferEntry(name: string, content: string | Buffer, options: { readonly size?: number | null; readonly mtime?: Date } = {}): ArchiveEntry {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return {
    name,
    ...(options.size === null ? {} : { size: options.size ?? bytes.length }),
    ...(options.mtime === undefined ? {} : { mtime: options.mtime }),
    open: async () => [bytes],
  };
}

/** The bytes of an archive of `entries`, with its predicted size. */
export async function zipOf(entries: readonly ArchiveEntry[], options: ArchiveOptions = {}): Promise<{ bytes: Buffer; size: number | undefined; names: readonly string[] }> {
  const result = archive(entries, options);
  return { bytes: await collect(result.stream), size: result.size, names: result.names };
}
