import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import t from 'tap';
import { runHttpContract } from '@stowage/testkit';
import { stowageMiddleware } from '../src/index.js';

await runHttpContract(t, {
  async start(handler) {
    const app = express();
    app.use(stowageMiddleware(handler));
    app.use(express.json());
    app.use((_request, response) => {
      response.status(404).set('x-fallback', 'app').send('not here');
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
