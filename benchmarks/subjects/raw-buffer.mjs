// Baseline: a raw node:http server answering from Buffers read once at startup (the ceiling for
// a Node server: no file-system work per request).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { announce, fixtureOf, fixtures } from './common.mjs';

const buffers = new Map([...fixtures.values()].map((fixture) => [fixture.path, readFileSync(fixture.path)]));
const server = createServer((req, res) => {
  const fixture = fixtureOf(req.url);
  if (fixture === undefined) {
    res.writeHead(404).end();
    return;
  }
  const body = buffers.get(fixture.path);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.byteLength });
  res.end(body);
});
await announce(server);
