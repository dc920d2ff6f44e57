import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { expectCode, patternBytes, readAll, readFile, sha256, writeFile } from '@stowage/testkit';
import { createSmbBackend, storedNameOf } from '../src/index.js';
import { swapMarkOf } from '../src/commit.js';
import { entryOf } from '../src/entries.js';
import { ShareLayout } from '../src/share-layout.js';
import { upload } from '../src/upload.js';
import { Access, CreateOption, Disposition, Share } from '../src/wire/commands.js';
import { closeQuietly, open, openForRename, renameHandle } from '../src/wire/share-operations.js';
import { rawConnection, until } from './helpers/fixture.js';
import { backendOptions, sambaRequirement, startSamba } from './helpers/samba.js';

// Replacing files that other clients hold open (RELIABILITY.md §2.1 step 6, F9).
await t.test('commits over files held open', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  // One connection: downloads and uploads share one smbd process, which refuses to replace a
  // file it has open (as Windows does for any open), so commits go through the swap.
  const backend = await createSmbBackend({ ...backendOptions(server, 'commit'), renameRetryDelayMs: 5, maxConnections: 1 });
  t.teardown(() => backend.close());
  const holder = await rawConnection(server);
  t.teardown(() => holder.destroy());
  const folder = join(server.sharePath, 'commit');
  const privateFiles = async (): Promise<string[]> => (await readdir(folder)).filter((name) => name.startsWith('.%-'));
  /** Creates the swap mark of the stored `name` on the holder connection, held as a swapping writer holds it (delete-on-close). */
  const holdSwapMark = async (name: string): Promise<Buffer> => {
    const mark = await open(holder, {
      path: `commit\\${swapMarkOf(name)}`,
      access: Access.DELETE | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
      share: Share.ALL,
      disposition: Disposition.CREATE,
      options: CreateOption.NON_DIRECTORY_FILE | 0x1000,
    });
    return mark.fileId;
  };
  /**
   * Stores `bytes` at `key` and opens the file on the holder connection, sharing everything: a
   * write on that same connection then cannot rename over it and must swap. Resolves the
   * stored name and the handle.
   */
  const storeHeldForSwap = async (key: string, bytes: Uint8Array): Promise<{ name: string; held: Buffer }> => {
    await backend.write(key, [bytes]);
    const name = storedNameOf(key).name;
    const opened = await open(holder, {
      path: `commit\\${name}`,
      access: Access.READ_DATA | Access.SYNCHRONIZE,
      share: Share.ALL,
      disposition: Disposition.OPEN,
      options: CreateOption.NON_DIRECTORY_FILE,
    });
    return { name, held: opened.fileId };
  };

  await t.test('a file being downloaded is replaced: the download keeps the old bytes, nothing is left behind', async (t) => {
    const before = patternBytes(2_000_000, 1);
    const after = patternBytes(700_000, 2);
    await writeFile(backend, 'media.bin', before);
    const download = await backend.read('media.bin');
    const iterator = download.stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    const entry = await backend.write('media.bin', [after]);
    t.equal(entry.size, after.byteLength);
    t.equal(sha256(await readFile(backend, 'media.bin')), sha256(after), 'new readers get the new bytes');
    const rest = [Buffer.from(first.value as Uint8Array)];
    for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) rest.push(Buffer.from(step.value as Uint8Array));
    t.equal(sha256(Buffer.concat(rest)), sha256(before), 'the download finishes with the old bytes');
    await until(async () => (await privateFiles()).length === 0, 'the old file to vanish with its last reader');
  });

  await t.test('a file held without FILE_SHARE_DELETE is not replaced: BUSY, unless it holds the same bytes', async (t) => {
    // The holder and the upload share one connection, so Samba applies Windows' rules.
    const original = patternBytes(100_000, 3);
    const stored = await backend.write('held.bin', [original]);
    const handle = await open(holder, {
      path: `commit\\${storedNameOf('held.bin').name}`,
      access: Access.READ_DATA | Access.SYNCHRONIZE,
      share: Share.READ,
      disposition: Disposition.OPEN,
      options: CreateOption.NON_DIRECTORY_FILE,
    });
    const target = new ShareLayout(['commit']).locate('held.bin');
    const deferred: unknown[] = [];
    const settings = { verify: 'digest' as const, window: 4, attempts: 2, firstDelayMs: 5, markWaitMs: 5000, defer: (cleanup: unknown) => deferred.push(cleanup), context: {} };
    const error = await expectCode(upload(holder, target, [patternBytes(100_000, 4)], {}, settings, async () => undefined), 'STOWAGE_BUSY');
    t.ok(error.retryable, 'retryable');
    t.equal(sha256(await readFile(backend, 'held.bin')), sha256(original), 'the old content is intact');
    const same = await upload(holder, target, [original], {}, settings, async () => undefined);
    t.equal(entryOf('held.bin', same).etag, stored.etag, 'identical bytes: the write succeeds and keeps the file (F9)');
    await closeQuietly(holder, handle.fileId);
    t.same(await privateFiles(), [], 'no partial upload is left');
    t.same(deferred, [], 'nothing was owed to a later connection');
  });

  await t.test('a swap waits for another writer swapping the same name, up to markWaitMs, then is BUSY (or ABORTED)', async (t) => {
    const original = patternBytes(80_000, 15);
    // The target open on the upload's own connection forces the swap, and another writer's
    // mark is in place (held open, delete-on-close, as a swapping writer holds it).
    const { name, held } = await storeHeldForSwap('queued.bin', original);
    const mark = await holdSwapMark(name);
    const target = new ShareLayout(['commit']).locate('queued.bin');
    const settings = { verify: 'digest' as const, window: 4, attempts: 1, firstDelayMs: 5, markWaitMs: 400, defer: () => undefined, context: {} };
    const started = Date.now();
    const error = await expectCode(upload(holder, target, [patternBytes(80_000, 16)], {}, settings, async () => undefined), 'STOWAGE_BUSY');
    t.ok(error.retryable, 'retryable');
    t.ok(Date.now() - started >= 400, 'it waited markWaitMs, not a number of tries');
    t.equal(sha256(await readFile(backend, 'queued.bin')), sha256(original), 'the old content is intact');
    // A write whose caller gives up while it waits ends at once, not at markWaitMs (a minute here).
    const controller = new AbortController();
    const abandoned = upload(holder, target, [patternBytes(80_000, 18)], {}, { ...settings, markWaitMs: 60_000, signal: controller.signal }, async () => undefined);
    await delay(150);
    controller.abort();
    await expectCode(abandoned, 'STOWAGE_ABORTED');
    t.equal(sha256(await readFile(backend, 'queued.bin')), sha256(original), 'the old content is still intact');
    // The other writer's swap ends while this one waits: this one goes on and commits.
    const replacement = patternBytes(80_000, 17);
    let committed = false;
    const waiting = upload(holder, target, [replacement], {}, { ...settings, markWaitMs: 60_000 }, async () => undefined).finally(() => {
      committed = true;
    });
    await delay(150);
    t.notOk(committed, 'still waiting while the mark is held');
    await closeQuietly(holder, mark);
    await waiting;
    t.equal(sha256(await readFile(backend, 'queued.bin')), sha256(replacement), 'the waiting write committed');
    await closeQuietly(holder, held);
    await until(async () => (await privateFiles()).length === 0, 'the old file, partials and marks to go');
  });

  await t.test('a rename waiting to retry ends with ABORTED as soon as the write is aborted, the old bytes intact', async (t) => {
    const original = patternBytes(50_000, 30);
    // Held open on the upload's own connection, the target refuses the plain rename, which
    // then waits firstDelayMs (30 s here) before its next try.
    const { held } = await storeHeldForSwap('retrying.bin', original);
    const target = new ShareLayout(['commit']).locate('retrying.bin');
    const controller = new AbortController();
    const settings = { verify: 'digest' as const, window: 4, attempts: 3, firstDelayMs: 30_000, markWaitMs: 60_000, defer: () => undefined, context: {}, signal: controller.signal };
    const started = Date.now();
    const abandoned = upload(holder, target, [patternBytes(50_000, 31)], {}, settings, async () => undefined);
    await delay(200);
    controller.abort();
    await expectCode(abandoned, 'STOWAGE_ABORTED');
    // Without the abort it would have waited 30 s and 60 s before the swap even began.
    t.ok(Date.now() - started < 20_000, 'it did not sit out the retry pauses');
    t.equal(sha256(await readFile(backend, 'retrying.bin')), sha256(original), 'the old content is intact');
    await closeQuietly(holder, held);
    await until(async () => (await privateFiles()).length === 0, 'no partial left behind');
  });

  await t.test('a swap mark on its way out (delete-pending while a probe holds it) is waited through too', async (t) => {
    const { name, held } = await storeHeldForSwap('pending.bin', patternBytes(60_000, 20));
    // A reader's probe has the mark open when its writer closes it: the mark is delete-pending
    // until the probe closes. Creating it meanwhile fails: Samba answers a name collision
    // (checked: the test passes without NT_STATUS_DELETE_PENDING among the waited statuses),
    // Windows NT_STATUS_DELETE_PENDING, which the wait accepts too.
    const mark = await holdSwapMark(name);
    const probe = await open(holder, {
      path: `commit\\${swapMarkOf(name)}`,
      access: Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
      share: Share.ALL,
      disposition: Disposition.OPEN,
      options: CreateOption.NON_DIRECTORY_FILE,
    });
    await closeQuietly(holder, mark);
    const target = new ShareLayout(['commit']).locate('pending.bin');
    const settings = { verify: 'digest' as const, window: 4, attempts: 1, firstDelayMs: 5, markWaitMs: 60_000, defer: () => undefined, context: {} };
    const replacement = patternBytes(60_000, 21);
    let settled = false;
    const waiting = upload(holder, target, [replacement], {}, settings, async () => undefined).finally(() => {
      settled = true;
    });
    await delay(150);
    t.notOk(settled, 'still waiting while the mark is delete-pending');
    await closeQuietly(holder, probe.fileId);
    await waiting;
    t.equal(sha256(await readFile(backend, 'pending.bin')), sha256(replacement), 'then the swap went on');
    await closeQuietly(holder, held);
    await until(async () => (await privateFiles()).length === 0, 'the old file and the mark to go');
  });

  await t.test('a lookup that meets a swap in progress waits for it instead of reporting the file missing', async (t) => {
    await writeFile(backend, 'swapped.txt', 'swapped');
    const name = storedNameOf('swapped.txt').name;
    const mark = await holdSwapMark(name);
    const moved = await openForRename(holder, `commit\\${name}`);
    await renameHandle(holder, moved.fileId, 'commit\\.%-old-test', false);
    let settled = false;
    const stat = backend.stat('swapped.txt').finally(() => {
      settled = true;
    });
    const read = readFile(backend, 'swapped.txt');
    await delay(150);
    t.notOk(settled, 'the lookup is still waiting while the name is missing and marked');
    await renameHandle(holder, moved.fileId, `commit\\${name}`, false);
    await closeQuietly(holder, moved.fileId);
    await closeQuietly(holder, mark);
    t.equal((await stat).size, 7, 'stat finds the file once the swap is over');
    t.equal((await read).toString(), 'swapped', 'so does read');
    await expectCode(backend.stat('never-there'), 'STOWAGE_NOT_FOUND', 'a miss without a mark is final');
  });

  await t.test('renaming over a file being downloaded works the same way', async (t) => {
    await writeFile(backend, 'target.bin', patternBytes(1_000_000, 6));
    await writeFile(backend, 'source.bin', patternBytes(1000, 7));
    const download = await backend.read('target.bin');
    const entry = await backend.rename('source.bin', 'target.bin');
    t.equal(entry.size, 1000);
    t.equal(sha256(await readAll(download.stream)), sha256(patternBytes(1_000_000, 6)), 'the download keeps its bytes');
    t.equal(sha256(await readFile(backend, 'target.bin')), sha256(patternBytes(1000, 7)));
    await expectCode(backend.stat('source.bin'), 'STOWAGE_NOT_FOUND');
  });

  await t.test('concurrent writers replacing a file under download each commit whole', async (t) => {
    for (let round = 0; round < 4; round++) {
      await writeFile(backend, 'busy.bin', patternBytes(1_500_000, 8));
      const download = await backend.read('busy.bin');
      const versions = [9, 10, 11, 12, 13, 14].map((seed) => patternBytes(50_000 + seed + round, seed));
      const entries = await Promise.all(versions.map((bytes) => backend.write('busy.bin', [bytes])));
      const final = sha256(await readFile(backend, 'busy.bin'));
      t.ok(versions.some((bytes) => sha256(bytes) === final), `round ${String(round)}: one writer’s whole content`);
      t.equal(entries.length, versions.length, 'every write succeeded');
      download.stream.destroy();
      await until(async () => (await privateFiles()).length === 0, 'old files, partials and marks to go');
    }
  });
});
