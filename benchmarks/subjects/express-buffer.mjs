// Baseline: Express 5 answering from Buffers read once at startup, in one `app.use` middleware
// (what the Express adapter's subject mounts): the ceiling of any Express app on this machine,
// so the Express adapter's ratio can be read against what Express itself costs per request.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import express from 'express';
import { announce, fixtureOf, fixtures } from './common.mjs';

const buffers = new Map([...fixtures.values()].map((fixture) => [fixture.path, readFileSync(fixture.path)]));
const app = express();
app.use((req, res) => {
  const fixture = fixtureOf(req.url);
  if (fixture === undefined) {
    res.writeHead(404).end();
    return;
  }
  const body = buffers.get(fixture.path);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.byteLength });
  res.end(body);
});
await announce(createServer(app));
