import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import t from 'tap';
import { runHttpContract } from '@stowage/testkit';
import { stowageKoa } from '../src/index.js';

await runHttpContract(t, {
  async start(handler) {
    const app = new Koa();
    app.use(stowageKoa(handler));
    app.use((context) => {
      context.status = 404;
      context.set('x-fallback', 'app');
      context.body = 'not here';
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
