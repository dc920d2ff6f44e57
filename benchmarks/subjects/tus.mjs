// Peer: @tus/server with @tus/file-store under /files (creation, then one PATCH with the whole
// body). Its defaults: no hashing, no fsync.
import { createServer } from 'node:http';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import { announce, settings } from './common.mjs';

const tus = new Server({ path: '/files', datastore: new FileStore({ directory: settings.uploadDir }) });
await announce(createServer((req, res) => void tus.handle(req, res)));
