// Seeds the Stowage store the Stowage subjects serve: each fixture file put as a public entry
// (through the facade, so it is hashed, written, fsynced and recorded like any upload) on a local
// backend with the SQLite catalog. Run as a child process by the harness:
//
//   node seed-stowage.mjs '{"blobRoot":…,"catalogFile":…,"salt":…,"fixtures":{name:{path,…}}}'
//
// Prints `{"entries":{name:{url,blobPath}}}` with each entry's /media URL and blob path.
import { createReadStream } from 'node:fs';
import { createStowage, sharedHashWorkerPool } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '@stowage/sqlite';

const job = JSON.parse(process.argv[2]);
const stowage = createStowage({
  backends: await createLocalBackend({ root: job.blobRoot, createRoot: true }),
  catalog: createSqliteCatalog({ file: job.catalogFile }),
  salt: job.salt,
});
const entries = {};
try {
  for (const [name, fixture] of Object.entries(job.fixtures)) {
    const { id, entries: [entry] } = await stowage.put(
      [{ filename: name, source: createReadStream(fixture.path), size: fixture.size, contentType: 'application/octet-stream' }],
      { principal: { name: 'bench' }, visibility: 'public' },
    );
    entries[name] = { url: `/media/${id}/${encodeURIComponent(entry.filename)}`, blobPath: entry.path };
  }
} finally {
  await stowage.close();
  await sharedHashWorkerPool().close();
}
process.stdout.write(`${JSON.stringify({ entries })}\n`);
