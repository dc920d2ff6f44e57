import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createHandler, createMemoryBackend, createStowage } from '@stowage/core';
import { rawRequest } from '@stowage/testkit';
import { createStowageServer } from '../src/index.js';

t.test('createStowageServer serves the profile and answers JSON 404 elsewhere', async (t) => {
  const stowage = createStowage({ backends: createMemoryBackend(), salt: 'server-test-salt-0123456789' });
  const put = await stowage.put({ filename: 'a.txt', source: [Buffer.from('served')] }, { principal: { name: 'alice' }, visibility: 'public' });
  const server = createStowageServer(createHandler(stowage));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const served = await rawRequest(url, `/media/${put.id}/a.txt`);
  t.equal(served.status, 200);
  t.equal(served.body.toString(), 'served');
  const elsewhere = await rawRequest(url, '/other');
  t.equal(elsewhere.status, 404);
  t.same(JSON.parse(elsewhere.body.toString()), { error: 'Not found', code: 'STOWAGE_NOT_FOUND' });
  t.equal(elsewhere.headers['x-content-type-options'], 'nosniff');
});
