import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t, { type Test } from 'tap';
import { openBackend } from '../src/bench/index.js';

const INVALID = { code: 'STOWAGE_INVALID_CONFIG' };
const CORE_URL = pathToFileURL(createRequire(import.meta.url).resolve('@stowage/core')).href;

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-descriptor-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('memory: opens the in-memory backend', async (t) => {
  const { backend, descriptor } = await openBackend('memory:', '/');
  t.equal(descriptor, 'memory:');
  t.equal(backend.info.name, 'bench');
  await backend.write('a', [Buffer.from('x')]);
  t.equal((await backend.stat('a')).size, 1);
});

t.test('local:<dir> opens the local backend with the directory resolved against cwd, creating it', async (t) => {
  const dir = await tempDir(t);
  const { backend } = await openBackend('local:store', dir);
  t.equal(backend.info.scheme, 'file');
  t.equal(backend.info.root, join(dir, 'store'));
  await backend.close?.();
});

t.test('local: without a directory and unknown schemes are refused', async (t) => {
  await t.rejects(openBackend('local:', '/'), INVALID);
  await t.rejects(openBackend('s3://bucket', '/'), INVALID);
  await t.rejects(openBackend('memory:x', '/'), INVALID);
});

t.test('a JSON file names a package factory and its options', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'b.json'), JSON.stringify({ module: '@stowage/core', export: 'createMemoryBackend', options: { name: 'from-json' } }));
  const { backend } = await openBackend('b.json', dir);
  t.equal(backend.info.name, 'from-json');
});

t.test('a JSON file may name a module by a path relative to itself, default export, no options', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'factory.mjs'), `import { createMemoryBackend } from ${JSON.stringify(CORE_URL)};\nexport default (options) => createMemoryBackend({ name: Object.keys(options).length === 0 ? 'plain' : 'other' });\n`);
  await writeFile(join(dir, 'b.json'), JSON.stringify({ module: './factory.mjs' }));
  const { backend } = await openBackend(join(dir, 'b.json'), '/');
  t.equal(backend.info.name, 'plain');
});

t.test('broken JSON descriptors are refused with STOWAGE_INVALID_CONFIG', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'not-a-backend.mjs'), 'export const make = () => ({ info: {} });\nexport const nothing = () => null;\nexport const notAFunction = 1;\n');
  await writeFile(join(dir, 'throws-on-load.mjs'), 'throw new Error("boom");\n');
  const cases: Record<string, string> = {
    'syntax.json': '{',
    'array.json': '[]',
    'no-module.json': '{}',
    'bad-export.json': JSON.stringify({ module: './not-a-backend.mjs', export: '' }),
    'missing-module.json': JSON.stringify({ module: './missing.mjs' }),
    'throws.json': JSON.stringify({ module: './throws-on-load.mjs' }),
    'missing-export.json': JSON.stringify({ module: './not-a-backend.mjs', export: 'absent' }),
    'not-a-function.json': JSON.stringify({ module: './not-a-backend.mjs', export: 'notAFunction' }),
    'wrong-shape.json': JSON.stringify({ module: './not-a-backend.mjs', export: 'make' }),
    'null-result.json': JSON.stringify({ module: './not-a-backend.mjs', export: 'nothing' }),
  };
  for (const [name, text] of Object.entries(cases)) {
    await writeFile(join(dir, name), text);
    await t.rejects(openBackend(name, dir), INVALID, name);
  }
  await t.rejects(openBackend('absent.json', dir), INVALID, 'an unreadable file');
});
