import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { expectCode, readFile, writeFile } from '@stowage/testkit';
import { createSmbBackend, NT_STATUS } from '../src/index.js';
import { Access, CreateOption, Disposition, Share } from '../src/wire/commands.js';
import { closeQuietly, open } from '../src/wire/share-operations.js';
import { SmbConnection } from '../src/wire/smb-connection.js';
import { backendOptions, freePort, sambaRequirement, startSamba } from './helpers/samba.js';
import { startProxy } from './helpers/tcp-proxy.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`gave up waiting: ${what}`);
    await delay(20);
  }
}

t.test('a server that accepts and never answers times the handshake out', async (t) => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const error = await expectCode(
    createSmbBackend({ host: '127.0.0.1', port, share: 's', username: 'u', password: 'p', connectTimeoutMs: 300 }),
    'STOWAGE_TIMEOUT',
  );
  t.ok(error.retryable);
});

t.test('a server answering the handshake with garbage fails it, without crashing the process', async (t) => {
  const garbage = Buffer.alloc(4 + 80, 0x41);
  garbage.writeUInt32BE(80, 0);
  const fake = createServer((socket) => {
    socket.once('data', () => socket.write(garbage));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    fake.close();
  });
  const port = (fake.address() as { port: number }).port;
  const error = await expectCode(
    createSmbBackend({ host: '127.0.0.1', port, share: 's', username: 'u', password: 'p', connectTimeoutMs: 5_000 }),
    'STOWAGE_UNAVAILABLE',
  );
  t.ok(error.retryable);
});

t.test('a closed port is unavailable, and retryable', async (t) => {
  const port = await freePort();
  const error = await expectCode(createSmbBackend({ host: '127.0.0.1', port, share: 's', username: 'u', password: 'p' }), 'STOWAGE_UNAVAILABLE');
  t.ok(error.retryable);
});

await t.test('against a real smbd', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());

  await t.test('a wrong password is refused at once, without hanging', async () => {
    await expectCode(createSmbBackend({ ...backendOptions(server, 'x'), password: 'wrong', connectTimeoutMs: 5_000 }), 'STOWAGE_PERMISSION_DENIED');
  });

  await t.test('an unknown share is a configuration error', async () => {
    await expectCode(createSmbBackend({ ...backendOptions(server, 'x'), share: 'nope', connectTimeoutMs: 5_000 }), 'STOWAGE_INVALID_CONFIG');
  });

  await t.test('a missing root is created, or refused when createRoot is off', async (t) => {
    await expectCode(createSmbBackend({ ...backendOptions(server, 'absent/deeper'), createRoot: false }), 'STOWAGE_INVALID_CONFIG');
    const backend = await createSmbBackend(backendOptions(server, 'made/deeper'));
    t.teardown(() => backend.close());
    await writeFile(backend, 'file', 'x');
    await expectCode(createSmbBackend(backendOptions(server, 'made/deeper/file')), 'STOWAGE_INVALID_CONFIG', 'a root that is a file');
    t.equal(backend.info.root, `//127.0.0.1:${String(server.port)}/stowage/made/deeper`);
    t.equal(backend.info.scheme, 'smb');
  });

  await t.test('idle connections close after the idle timeout and are reopened on demand', async (t) => {
    const backend = await createSmbBackend({ ...backendOptions(server, 'idle'), idleTimeoutMs: 100 });
    t.teardown(() => backend.close());
    await writeFile(backend, 'file', 'x');
    await until(() => backend.connections === 0, 'the idle connection to close');
    t.equal((await readFile(backend, 'file')).toString(), 'x', 'a new connection serves the next operation');
    t.equal(backend.connections, 1);
  });

  await t.test('concurrent operations share at most maxConnections connections', async (t) => {
    const backend = await createSmbBackend({ ...backendOptions(server, 'pool'), maxConnections: 2 });
    t.teardown(() => backend.close());
    await writeFile(backend, 'file', 'x');
    let most = 0;
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        await backend.stat('file');
        most = Math.max(most, backend.connections);
      }),
    );
    t.ok(most <= 2, `at most 2 connections (saw ${String(most)})`);
    t.ok(most >= 1);
  });

  await t.test('a request the server does not answer times out, and the next one reconnects', async (t) => {
    const proxy = await startProxy(server.port);
    t.teardown(() => proxy.close());
    const backend = await createSmbBackend({ ...backendOptions(server, 'timeout'), port: proxy.port, operationTimeoutMs: 1_500 });
    t.teardown(() => backend.close());
    await writeFile(backend, 'file', 'x');
    proxy.mode = 'black-hole';
    const error = await expectCode(backend.write('other', [Buffer.from('y')]), 'STOWAGE_TIMEOUT');
    t.ok(error.retryable);
    t.equal(backend.connections, 0, 'the connection with a request in limbo was dropped');
    proxy.mode = 'forward';
    t.equal((await readFile(backend, 'file')).toString(), 'x');
  });

  await t.test('an idempotent operation on a connection that turns out dead is run again on a new one', async (t) => {
    const proxy = await startProxy(server.port);
    t.teardown(() => proxy.close());
    const backend = await createSmbBackend({ ...backendOptions(server, 'stale'), port: proxy.port });
    t.teardown(() => backend.close());
    await writeFile(backend, 'file', 'x');
    const before = proxy.accepted;
    proxy.mode = 'reset-next';
    t.equal((await backend.stat('file')).size, 1, 'the stat succeeds on a new connection');
    t.equal(proxy.accepted, before + 1, 'one new connection');
    proxy.mode = 'reset-next';
    await expectCode(backend.write('other', [Buffer.from('y')]), 'STOWAGE_UNAVAILABLE', 'a write is not repeated');
    t.equal(proxy.accepted, before + 1, 'no connection was opened to repeat the write');
    await expectCode(backend.stat('other'), 'STOWAGE_NOT_FOUND', 'and nothing was written');
  });

  await t.test('interim STATUS_PENDING answers are waited through to the final answer', async (t) => {
    const proxy = await startProxy(server.port);
    t.teardown(() => proxy.close());
    const backend = await createSmbBackend({ ...backendOptions(server, 'pending'), port: proxy.port, renameAttempts: 1 });
    t.teardown(() => backend.close());
    await writeFile(backend, 'held', 'x');
    // Whether smbd itself goes async depends on its timing; the proxy puts an interim answer in
    // front of every final answer to a CREATE, so the client meets one on every open.
    proxy.mode = 'interim';
    t.equal((await readFile(backend, 'held')).toString(), 'x', 'a success after an interim answer');
    const afterSuccess = proxy.interimsSent;
    t.ok(afterSuccess >= 1, 'the open met an interim answer');
    // Another client opens the file without sharing it: the final answer to the next open is a
    // sharing violation, which the read reports as STOWAGE_BUSY. A client stopping at the interim
    // answer would report its STATUS_PENDING instead (or time out waiting for nothing).
    const holder = await SmbConnection.open({
      host: server.host,
      port: server.port,
      share: server.share,
      domain: '',
      username: server.username,
      password: server.password,
      timeoutMs: 5_000,
      requestTimeoutMs: 5_000,
      maxInFlight: 4,
    });
    t.teardown(() => holder.destroy());
    const handle = await open(holder, {
      path: 'pending\\held',
      access: Access.READ_DATA | Access.WRITE_DATA | Access.SYNCHRONIZE,
      share: Share.NONE,
      disposition: Disposition.OPEN,
      options: CreateOption.NON_DIRECTORY_FILE,
    });
    await expectCode(backend.read('held'), 'STOWAGE_BUSY');
    t.ok(proxy.interimsSent > afterSuccess, 'the refused open met an interim answer too');
    t.ok(proxy.statuses.includes(NT_STATUS.NT_STATUS_SHARING_VIOLATION), 'the final answer was the sharing violation');
    await closeQuietly(holder, handle.fileId);
    t.equal((await readFile(backend, 'held')).toString(), 'x');
  });

  await t.test('after close, operations are unavailable', async (t) => {
    const backend = await createSmbBackend(backendOptions(server, 'closed'));
    await backend.close();
    await expectCode(backend.stat('x'), 'STOWAGE_UNAVAILABLE');
    await expectCode(async () => {
      for await (const _ of backend.list('')) void _;
    }, 'STOWAGE_UNAVAILABLE');
    t.equal(backend.connections, 0);
  });
});
