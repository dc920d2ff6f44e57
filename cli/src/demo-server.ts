import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandler, createStowage, tokenAuth, type Stowage } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '@stowage/sqlite';
import type { ServeOptions } from './serve-options.js';

/** A running demo server. */
export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The bearer token of the principal `demo`, new on every start. */
  readonly token: string;
  /** Where blobs (`blobs/`), the catalog (`catalog.db`) and the salt live. */
  readonly directory: string;
  readonly stowage: Stowage;
  /** Stops listening, closes the catalog, and deletes the directory when it was temporary. */
  close(): Promise<void>;
}

/** The salt of long ids: kept in `<dir>/salt` (mode 0600) so ids stay verifiable across restarts. */
async function saltOf(directory: string): Promise<string> {
  const file = join(directory, 'salt');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const salt = randomBytes(32).toString('hex');
    await writeFile(file, `${salt}\n`, { mode: 0o600, flag: 'wx' });
    return salt;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts the media profile on 127.0.0.1 over a local backend and the SQLite catalog, with
 * uploads enabled for the bearer token it returns (principal `demo`).
 */
export async function startDemoServer(options: ServeOptions): Promise<DemoServer> {
  const temporary = options.dir === undefined;
  const directory = options.dir ?? (await mkdtemp(join(tmpdir(), 'stowage-demo-')));
  await mkdir(directory, { recursive: true });
  const token = randomBytes(24).toString('hex');
  const stowage = createStowage({
    backends: await createLocalBackend({ root: join(directory, 'blobs'), createRoot: true }),
    catalog: createSqliteCatalog({ file: join(directory, 'catalog.db') }),
    salt: await saltOf(directory),
    // Only the demo principal uploads; anonymous uploads would belong to nobody.
    permissions: { canUpload: (principal) => principal !== null },
  });
  const handler = createHandler(stowage, { auth: [tokenAuth({ tokens: { [token]: 'demo' } })], uploads: true });
  const server = createServer((request, response) => {
    void handler.handle(request, response).then((handled) => {
      if (handled) return;
      response.writeHead(404, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
      response.end(JSON.stringify({ error: 'Not found', code: 'STOWAGE_NOT_FOUND' }));
    });
  });
  const port = await listen(server, options.port);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    directory,
    stowage,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await stowage.close();
        if (temporary) await rm(directory, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
