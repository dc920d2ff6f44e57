// Baseline for X-Accel mode: a bare node:http app that answers every known file with an empty
// body and `X-Accel-Redirect: /_files/<name>`, for nginx to send (no lookup, no permission check).
// `Content-Length: 0` as Stowage sends it: without it Node frames the empty body as chunked and
// nginx closes the upstream connection after every redirect (a new connection per request).
import { createServer } from 'node:http';
import { announce, fixtureOf } from './common.mjs';

const server = createServer((req, res) => {
  const fixture = fixtureOf(req.url);
  if (fixture === undefined) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '0', 'x-accel-redirect': `/_files/${fixture.name}` });
  res.end();
});
await announce(server);
