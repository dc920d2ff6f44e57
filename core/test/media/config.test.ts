import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { createStowage } from '../../src/create-stowage.js';
import type { StowageConfig } from '../../src/media/config.js';

const backend = createMemoryBackend();
const salt = 'a-salt-of-sixteen-bytes-or-more';

t.test('invalid configurations name the field', async (t) => {
  const cases: [string, unknown][] = [
    ['no config', null],
    ['no backends', { salt }],
    ['empty backends', { backends: [], salt }],
    ['not a backend', { backends: {}, salt }],
    ['descriptor not an object', { backends: [null], salt }],
    ['descriptor backend malformed', { backends: [{ name: 'a', backend: {} }], salt }],
    ['keepDays', { backends: [{ name: 'a', backend, keepDays: -1 }], salt }],
    ['no salt', { backends: backend }],
    ['short salt', { backends: backend, salt: 'short' }],
    ['limits', { backends: backend, salt, limits: { maxFiles: 0 } }],
    ['limits type', { backends: backend, salt, limits: { maxFileBytes: 1.5 } }],
    ['retention', { backends: backend, salt, retention: { graceMs: -1 } }],
    ['layout overlap', { backends: backend, salt, layout: { blobs: 'data', staging: 'data/incoming' } }],
    ['layout same', { backends: backend, salt, layout: { blobs: 'x', staging: 'x' } }],
    ['layout dotdot', { backends: backend, salt, layout: { blobs: '../up' } }],
    ['layout empty', { backends: backend, salt, layout: { staging: '' } }],
    ['chain', { backends: backend, salt, maxReplacementChain: 0 }],
    ['hashing', { backends: backend, salt, hashing: 'gpu' }],
    ['clock', { backends: backend, salt, clock: 'now' }],
    ['checkpoint', { backends: backend, salt, checkpoint: 1 }],
    ['canUpload', { backends: backend, salt, permissions: { canUpload: true } }],
    ['duplicate shard names', { backends: [{ name: 'a', backend }, { name: 'a', backend }], salt }],
  ];
  for (const [name, config] of cases) {
    t.throws(() => createStowage(config as StowageConfig), { code: 'STOWAGE_INVALID_CONFIG' }, name);
  }
});

t.test('the salt never appears in errors', async (t) => {
  const secret = 'sup3r-s3cret-salt-value!';
  try {
    createStowage({ backends: backend, salt: { current: 'missing', salts: { k1: secret } } });
    t.fail('expected an error');
  } catch (error) {
    t.notMatch(JSON.stringify(error) + String(error) + ((error as Error).stack ?? ''), secret);
  }
});

t.test('instances do not share state', async (t) => {
  const first = createStowage({ backends: createMemoryBackend(), salt });
  const second = createStowage({ backends: createMemoryBackend(), salt });
  first.pipeline('put').use({ name: 'mine', run: async (_context, next) => next() });
  t.notOk(second.pipeline('put').names().includes('mine'));
  const put = await first.put({ filename: 'a', source: [Buffer.from('a')] }, { visibility: 'public' });
  await t.rejects(second.stat({ id: put.id, filename: 'a' }), { code: 'STOWAGE_NOT_FOUND' });
});

t.test('a salt rotation keeps old ids verifiable', async (t) => {
  const catalogBackend = createMemoryBackend();
  const { createMemoryCatalog } = await import('../../src/catalog/memory-catalog.js');
  const catalog = createMemoryCatalog();
  const before = createStowage({ backends: catalogBackend, catalog, salt: { current: 'k1', salts: { k1: 'first-salt-0123456789' } } });
  const old = await before.put({ filename: 'a', source: [Buffer.from('a')] });
  const after = createStowage({
    backends: catalogBackend,
    catalog,
    salt: { current: 'k2', salts: { k1: 'first-salt-0123456789', k2: 'second-salt-0123456789' } },
  });
  const fresh = await after.put({ filename: 'b', source: [Buffer.from('b')] });
  t.equal(old.entries[0]?.saltKeyId, 'k1');
  t.equal(fresh.entries[0]?.saltKeyId, 'k2');
  t.equal(await after.verifyLongId(old.id), true);
  t.equal(await after.verifyLongId(fresh.id), true);
});

t.test('only the composition root imports tsyringe', async (t) => {
  const sourceRoot = fileURLToPath(new URL('../../../src', import.meta.url));
  const importers: string[] = [];
  const visit = (directory: string): void => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (name.endsWith('.ts') && /from 'tsyringe'|import 'reflect-metadata'/.test(readFileSync(path, 'utf8'))) importers.push(name);
    }
  };
  visit(sourceRoot);
  t.same(importers, ['create-stowage.ts']);
});
