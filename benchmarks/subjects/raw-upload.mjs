// Baseline: the naive hashed upload server. POST /upload streams the body through SHA-256 into a
// temp file (one positional write per socket chunk), fsyncs it, renames it to its hash and
// answers 201. No catalog, no SHA-1, no id, no directory fsync: the least a durable upload does.
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { announce, settings } from './common.mjs';

async function receive(req) {
  const temp = join(settings.uploadDir, `.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx');
  try {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of req) {
      hash.update(chunk);
      await handle.write(chunk, 0, chunk.byteLength, size);
      size += chunk.byteLength;
    }
    await handle.sync();
    await handle.close();
    const sha256 = hash.digest('hex');
    await rename(temp, join(settings.uploadDir, sha256));
    return { sha256, size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/upload') {
    res.writeHead(404).end();
    return;
  }
  receive(req).then(
    (result) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
    () => res.writeHead(500, { connection: 'close' }).end(),
  );
});
await announce(server);
