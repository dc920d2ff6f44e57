import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { isStowageError } from '@stowage/core';
import { expectCode, patternBytes, readAll, readFile, sha256, writeFile } from '@stowage/testkit';
import { createSmbBackend } from '../src/index.js';
import { backendOptions, sambaRequirement, startSamba } from './helpers/samba.js';
import { smbList } from './helpers/smbclient.js';

const MIB = 1024 * 1024;

// RELIABILITY.md F10, U12/U13's neighbours: smbd killed in the middle of transfers.
await t.test('smbd killed during transfers', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  const backend = await createSmbBackend({ ...backendOptions(server, 'restart'), operationTimeoutMs: 10_000 });
  t.teardown(() => backend.close());
  const folder = join(server.sharePath, 'restart');
  const kept = patternBytes(3 * MIB, 5);
  await writeFile(backend, 'kept.bin', kept);

  await t.test('killing smbd mid-upload of 100 MiB fails the write with a retryable error and commits nothing', async (t) => {
    let delivered = 0;
    let killed: Promise<void> | undefined;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        if (i === 30) killed = server.kill('SIGKILL');
        delivered += MIB;
        yield patternBytes(MIB, i);
      }
    }
    const error = await expectCode(backend.write('big.bin', source(), { size: 100 * MIB }), 'STOWAGE_UNAVAILABLE');
    await killed;
    t.ok(error.retryable, 'the error is retryable');
    t.ok(delivered < 100 * MIB, 'the write stopped before the source ended');
    t.notOk(existsSync(join(folder, 'big.bin')), 'nothing under the final name');
    const leftovers = (await readdir(folder)).filter((name) => name.startsWith('.%-partial-'));
    t.equal(leftovers.length, 1, 'the killed server could not remove the partial upload');
    t.equal(backend.pendingCleanups, 1, 'its removal is owed to the next connection');
    const down = await expectCode(backend.stat('kept.bin'), 'STOWAGE_UNAVAILABLE', 'while smbd is down');
    t.ok(down.retryable);
  });

  await t.test('after smbd restarts, the backend reconnects, removes the leftover and works', async (t) => {
    await server.start();
    t.ok((await readFile(backend, 'kept.bin')).equals(kept), 'a file written before the crash reads back whole');
    t.equal(backend.pendingCleanups, 0, 'the owed cleanup ran on the new connection');
    t.same((await readdir(folder)).filter((name) => name.startsWith('.%-')), [], 'no partial upload is left');
    const bytes = patternBytes(5 * MIB, 9);
    await backend.write('after.bin', [bytes]);
    t.equal(sha256(await readFile(backend, 'after.bin')), sha256(bytes));
    t.notOk((await smbList(server, 'restart')).includes('big.bin'), 'smbclient sees no big.bin either');
  });

  await t.test('killing smbd mid-download errors the stream, never a clean short end', async (t) => {
    const big = patternBytes(64 * MIB, 3);
    await backend.write('download.bin', [big]);
    const { stream } = await backend.read('download.bin');
    let received = 0;
    const failure = (async () => {
      for await (const chunk of stream) {
        received += (chunk as Uint8Array).byteLength;
        if (received >= 4 * MIB && server.pid !== undefined) await server.kill('SIGKILL');
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = await failure;
    t.ok(isStowageError(error, 'STOWAGE_UNAVAILABLE'), `the stream fails with UNAVAILABLE, got ${String(error)}`);
    t.ok(received < big.byteLength, 'not every byte arrived');
    await server.start();
    t.equal(sha256(await readAll((await backend.read('download.bin')).stream)), sha256(big), 'after the restart the file reads whole');
  });
});
