import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createStowage, type Stowage } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '../src/index.js';
import { childEnvironment } from './helpers/child.js';

const CHILD = fileURLToPath(new URL('./helpers/media-crash-child.js', import.meta.url));
const PUT_LABELS = ['put:staged', 'put:claimed', 'put:moved', 'put:stored', 'put:recorded', 'put:committed'];
const REMOVE_LABELS = ['remove:marked', 'remove:deleted'];

interface Acknowledged {
  readonly puts: { id: string; filename: string; text: string }[];
  readonly removed: { id: string; filename: string }[];
  readonly killed: boolean;
}

function runChild(database: string, root: string, label: string, scenario: string): Promise<Acknowledged> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify({ database, root, label, scenario })], {
      env: childEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`child failed (${code}): ${stderr}`));
        return;
      }
      const records = stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, never>);
      resolve({
        puts: records.flatMap((record) => (record['put'] === undefined ? [] : [record['put']])),
        removed: records.flatMap((record) => (record['removed'] === undefined ? [] : [record['removed']])),
        killed: signal === 'SIGKILL',
      });
    });
  });
}

async function textOf(stowage: Stowage, key: { id: string; filename: string }): Promise<string> {
  const opened = await stowage.open(key, { principal: { name: 'owner' } });
  if (opened.kind !== 'content') throw new Error('expected content');
  const chunks: Buffer[] = [];
  for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

const scenarios: [string, string][] = [
  ...PUT_LABELS.map((label): [string, string] => ['put', label]),
  ...PUT_LABELS.map((label): [string, string] => ['folder', label]),
  // A put of bytes already stored reuses the blob: it never claims or moves one.
  ...PUT_LABELS.filter((label) => label !== 'put:claimed' && label !== 'put:moved').map((label): [string, string] => ['dedupe', label]),
  ...REMOVE_LABELS.map((label): [string, string] => ['remove', label]),
];

for (const [scenario, label] of scenarios) {
  t.test(`SIGKILL at ${label} during ${scenario}: fsck repairs, acknowledged work survives`, async (t) => {
    const directory = await mkdtemp(join(tmpdir(), 'stowage-crash-'));
    t.teardown(() => rm(directory, { recursive: true, force: true }));
    const database = join(directory, 'catalog.db');
    const root = join(directory, 'root');
    const acknowledged = await runChild(database, root, label, scenario);
    t.ok(acknowledged.puts.length >= 1, 'the first put was acknowledged');

    // Far enough ahead that everything the child left is stale; moved again below to let the
    // orphans that repairs create age past the grace period.
    let offset = 3_600_000;
    const later = (): Date => new Date(Date.now() + offset);
    const stowage = createStowage({
      backends: await createLocalBackend({ root }),
      catalog: createSqliteCatalog({ file: database }),
      salt: 'crash-test-salt-0123456789',
      clock: later,
      retention: { graceMs: 1000, staleAfterMs: 1000 },
    });
    t.teardown(() => stowage.close());
    await stowage.fsck({ repair: true, verifyContent: true });
    offset += 3_600_000;
    await stowage.fsck({ repair: true, verifyContent: true });
    const after = await stowage.fsck({ verifyContent: true });
    t.same(after.findings, [], 'a third fsck finds nothing');

    const removed = new Set(acknowledged.removed.map((key) => `${key.id}/${key.filename}`));
    for (const put of acknowledged.puts) {
      if (removed.has(`${put.id}/${put.filename}`)) {
        await t.rejects(stowage.open(put, { principal: { name: 'owner' } }), { code: 'STOWAGE_NOT_FOUND' });
      } else if (scenario === 'remove' && put.filename === 'kept.txt') {
        // The remove was cut short, so it is either fully done or not done at all (I3).
        const outcome = await textOf(stowage, put).catch((error: { code?: string }) => error.code);
        t.ok(outcome === put.text || outcome === 'STOWAGE_NOT_FOUND', `the interrupted remove is all or nothing (${String(outcome).slice(0, 20)})`);
      } else {
        t.equal(await textOf(stowage, put), put.text, `${put.filename} reads back exactly`);
        t.equal(await stowage.verifyLongId(put.id), true);
      }
    }
    const catalog = createSqliteCatalog({ file: database });
    t.teardown(() => catalog.close());
    for await (const entry of catalog.scanEntries()) {
      t.equal(entry.state, 'committed', `no ${entry.state} row is left`);
      const blob = await catalog.getBlob(entry.sha256);
      t.equal(blob?.state, 'present', 'no dangling reference');
    }
    for await (const blob of catalog.scanBlobs()) {
      t.equal(blob.state, 'present');
      t.ok(blob.refs > 0, 'no orphan blob survives the repair');
    }
    const incoming = await readdir(join(root, 'incoming')).catch(() => []);
    t.same(incoming, [], 'no staging leftovers');
    t.equal(acknowledged.killed, true, `the child was killed at ${label}`);
  });
}
