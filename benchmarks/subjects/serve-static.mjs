// Peer: Express 5 with serve-static over the fixture folder (its defaults: ETag, Last-Modified,
// ranges, 64 KiB reads through `send`).
import { createServer } from 'node:http';
import express from 'express';
import serveStatic from 'serve-static';
import { announce, settings } from './common.mjs';

const app = express();
app.use(serveStatic(settings.filesDir));
await announce(createServer(app));
