import fc from 'fast-check';
import t from 'tap';
import { archive, archiveFolder, extract, sanitizeArchiveName } from '../../src/archive/index.js';
import { mediaFixture } from '../helpers/media-fixture.js';
import { bufferEntry, collect, zipOf } from './helpers/extract-fixture.js';
import { unzip } from './helpers/unzip.js';

/** Lowercase NFC segments: valid names that no case folding or normalization can merge. */
const segment = fc.stringMatching(/^[a-z0-9é_-][a-z0-9é_. -]{0,11}$/).filter((text) => text !== '.' && text !== '..' && !text.endsWith('.'));
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('/'));
const content = fc.oneof(fc.uint8Array({ maxLength: 0 }), fc.uint8Array({ maxLength: 3000 }), fc.constant(new Uint8Array(40_000).fill(65)));
const fileSet = fc.uniqueArray(fc.record({ name: path, bytes: content }), { minLength: 1, maxLength: 12, selector: (file) => file.name });

t.test('property: random valid sets round-trip archive → extract byte for byte', async () => {
  await fc.assert(
    fc.asyncProperty(fileSet, fc.boolean(), fc.option(segment, { nil: undefined }), fc.boolean(), async (files, compress, prefix, directories) => {
      const entries = files.map((file) => bufferEntry(file.name, Buffer.from(file.bytes)));
      const options = { compress, directories, ...(prefix === undefined ? {} : { prefix }) };
      const { bytes, size, names } = await zipOf(entries, options);
      if (!compress && size !== bytes.length) return false;
      const { files: extracted, directories: folders } = await unzip(bytes);
      const fileNames = names.filter((name) => !name.endsWith('/'));
      if (extracted.size !== files.length || fileNames.length !== files.length) return false;
      if (!directories && folders.length !== 0) return false;
      // Every original file is found, byte for byte, under its (possibly renamed) name.
      const remaining = new Map(extracted);
      for (const file of files) {
        const base = `${prefix === undefined ? '' : `${sanitizeArchiveName(prefix)}/`}${sanitizeArchiveName(file.name)}`;
        const hit = [...remaining].find(([name, data]) => (name === base || name.startsWith(base.replace(/(\.[^./]*)?$/, ' ('))) && Buffer.compare(data, Buffer.from(file.bytes)) === 0);
        if (hit === undefined) return false;
        remaining.delete(hit[0]);
      }
      return remaining.size === 0;
    }),
    { numRuns: 60 },
  );
});

t.test('property: a flat set archived, extracted into Stowage and archived again gives the same bytes', async () => {
  const flat = fc.uniqueArray(fc.record({ name: segment, bytes: content }), { minLength: 1, maxLength: 8, selector: (file) => file.name });
  await fc.assert(
    fc.asyncProperty(flat, async (files) => {
      const entries = files.map((file) => bufferEntry(file.name, Buffer.from(file.bytes)));
      const first = archive(entries);
      const firstBytes = await collect(first.stream);
      const { stowage } = mediaFixture();
      const { put } = await extract({ buffer: firstBytes }, { stowage, put: { visibility: 'public' } });
      const again = await archiveFolder(stowage, put.id);
      const againBytes = await collect(again.stream);
      return again.size === againBytes.length && Buffer.compare(againBytes, firstBytes) === 0;
    }),
    { numRuns: 25 },
  );
});
