// Stowage: the media profile over a local backend and the SQLite catalog, composed like
// `stowage serve`, through one adapter (`http`, `express` or `koa` in settings.adapter) and one
// delivery mode (`stream` or `x-accel` in settings.delivery). Uploads: POST /media with the
// bearer token in settings.token (raw bodies stream straight into `put`).
import { createServer } from 'node:http';
import { applyServerLimits, createHandler, createStowage, MAX_HEADER_BYTES, tokenAuth } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '@stowage/sqlite';
import { announce, settings } from './common.mjs';

const backend = await createLocalBackend({ root: settings.blobRoot });
const stowage = createStowage({
  backends: backend,
  catalog: createSqliteCatalog({ file: settings.catalogFile }),
  salt: settings.salt,
  permissions: { canUpload: (principal) => principal !== null },
});
const handler = createHandler(stowage, {
  prefix: '/media',
  auth: [tokenAuth({ tokens: { [settings.token]: 'bench' } })],
  uploads: true,
  delivery: settings.delivery === 'x-accel' ? { default: { mode: 'x-accel', internalPrefix: '/_blobs/default' } } : {},
});

async function listener() {
  if (settings.adapter === 'express') {
    const { default: express } = await import('express');
    const { stowageMiddleware } = await import('@stowage/express');
    const app = express();
    app.use(stowageMiddleware(handler));
    return app;
  }
  if (settings.adapter === 'koa') {
    const { default: Koa } = await import('koa');
    const { stowageKoa } = await import('@stowage/koa');
    const app = new Koa();
    app.use(stowageKoa(handler));
    return app.callback();
  }
  const { requestListener } = await import('@stowage/http');
  return requestListener(handler);
}

const server = applyServerLimits(createServer({ maxHeaderSize: MAX_HEADER_BYTES }, await listener()));
await announce(server, () => stowage.close());
