import t from 'tap';
import { createHandler, createMemoryBackend, createStowage } from '@stowage/core';
import { fetchHandler } from '../src/index.js';

t.test('fetchHandler: the adapter principal, and a JSON 404 outside the profile', async (t) => {
  const stowage = createStowage({ backends: createMemoryBackend(), salt: 'fetch-test-salt-0123456789' });
  const put = await stowage.put({ filename: 'a.txt', source: [Buffer.from('private bytes')] }, { principal: { name: 'alice' } });
  const handle = fetchHandler(createHandler(stowage), {
    principalOf: (request) => (request.headers.get('x-user') === 'alice' ? { name: 'alice' } : undefined),
  });
  const owner = await handle(new Request(`http://localhost/media/${put.id}/a.txt`, { headers: { 'x-user': 'alice' } }));
  t.equal(owner.status, 200);
  t.equal(await owner.text(), 'private bytes');
  const anonymous = await handle(new Request(`http://localhost/media/${put.id}/a.txt`));
  t.equal(anonymous.status, 401);
  await anonymous.arrayBuffer();
  const elsewhere = await fetchHandler(createHandler(stowage))(new Request('http://localhost/other'));
  t.equal(elsewhere.status, 404);
  t.same(await elsewhere.json(), { error: 'Not found', code: 'STOWAGE_NOT_FOUND' });
});
