import { inspect } from 'node:util';
import t from 'tap';
import { expectCode } from '@stowage/testkit';
import { createSmbBackend, parseSmbOptions } from '../src/index.js';

const valid = { host: 'files.example', share: 'media', username: 'stowage', password: 's3cret' };

t.test('defaults are filled in and the result is frozen', async (t) => {
  const options = parseSmbOptions(valid);
  t.match(options, {
    host: 'files.example',
    port: 445,
    share: 'media',
    root: [],
    name: 'smb',
    createRoot: true,
    maxConnections: 4,
    idleTimeoutMs: 30_000,
    connectTimeoutMs: 10_000,
    operationTimeoutMs: 30_000,
    requestsInFlight: 32,
    renameAttempts: 4,
    renameRetryDelayMs: 20,
    verifyWrites: 'digest',
  });
  t.ok(Object.isFrozen(options));
  t.same(parseSmbOptions({ ...valid, root: '/a//b/' }).root, ['a', 'b']);
});

t.test('the password never shows in JSON or inspection', async (t) => {
  const options = parseSmbOptions(valid);
  t.equal(options.credentials.password, 's3cret');
  t.notOk(JSON.stringify(options).includes('s3cret'));
  t.notOk(inspect(options, { depth: 5 }).includes('s3cret'));
});

t.test('every invalid field fails with INVALID_CONFIG', async (t) => {
  const invalid: Record<string, unknown>[] = [
    { host: '' },
    { host: 'a b' },
    { host: 7 },
    { share: '' },
    { share: 'a/b' },
    { username: '' },
    { password: undefined },
    { name: '' },
    { root: '../up' },
    { root: 'a:b' },
    { root: 3 },
    { port: 0 },
    { port: 70_000 },
    { port: 1.5 },
    { createRoot: 'yes' },
    { verifyWrites: 'none' },
    { maxConnections: 0 },
    { idleTimeoutMs: -1 },
    { connectTimeoutMs: 0 },
    { operationTimeoutMs: 'soon' },
    { requestsInFlight: 1 },
    { renameAttempts: 0 },
    { renameRetryDelayMs: -5 },
  ];
  for (const change of invalid) {
    await expectCode(async () => parseSmbOptions({ ...valid, ...change }), 'STOWAGE_INVALID_CONFIG', JSON.stringify(change));
  }
  await expectCode(async () => parseSmbOptions(null), 'STOWAGE_INVALID_CONFIG');
  await expectCode(async () => parseSmbOptions('smb://x'), 'STOWAGE_INVALID_CONFIG');
  await expectCode(createSmbBackend({ ...valid, port: -1 }), 'STOWAGE_INVALID_CONFIG', 'the factory validates first');
});
