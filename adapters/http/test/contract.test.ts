import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { runHttpContract } from '@stowage/testkit';
import { requestListener } from '../src/index.js';

await runHttpContract(t, {
  async start(handler) {
    const server = createServer(
      requestListener(handler, (_request, response) => {
        response.writeHead(404, { 'x-fallback': 'app' });
        response.end('not here');
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
