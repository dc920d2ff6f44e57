// Baseline: a raw node:http server that stats the file and pipes fs.createReadStream (64 KiB
// reads, the stream default) into the response.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { announce, fixtureOf } from './common.mjs';

const server = createServer(async (req, res) => {
  const fixture = fixtureOf(req.url);
  if (fixture === undefined) {
    res.writeHead(404).end();
    return;
  }
  const stats = await stat(fixture.path);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stats.size });
  pipeline(createReadStream(fixture.path), res, () => undefined);
});
await announce(server);
