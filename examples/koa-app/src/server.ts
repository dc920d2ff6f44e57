import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyServerLimits, createHandler, createStowage, MAX_HEADER_BYTES } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '@stowage/sqlite';
import { createApp } from './app.js';
import { MEDIA_PREFIX } from './reports.js';

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Where blobs, the catalog and the salt live; absent: a temporary directory deleted by `close`. */
  readonly dir?: string | undefined;
  /** Told about 5xx failures and abandoned uploads. @defaultValue ignore them */
  readonly onError?: (error: unknown) => void;
}

/** The running application. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly directory: string;
  /** Bearer tokens of the two demo users, new on every start. */
  readonly tokens: Readonly<{ alice: string; bob: string }>;
  /** Stops listening, closes Stowage, and deletes the directory when it was temporary. Idempotent. */
  close(): Promise<void>;
}

/** The salt of long ids, kept in `<dir>/salt` (mode 0600) so ids stay verifiable across restarts. */
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
      resolve((server.address() as { port: number }).port);
    });
  });
}

/**
 * Starts the reports application on 127.0.0.1 over a local backend (`<dir>/blobs`) and the
 * SQLite catalog (`<dir>/catalog.db`), with two users, `alice` and `bob` (group `staff`), and
 * Stowage's connection bounds (`applyServerLimits`, 16 KiB of headers).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` and I/O failures of the directory; the listen error
 * (`EADDRINUSE`, ...) as Node raises it, after cleaning up.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const temporary = options.dir === undefined;
  const directory = options.dir ?? (await mkdtemp(join(tmpdir(), 'stowage-koa-app-')));
  await mkdir(directory, { recursive: true });
  const stowage = createStowage({
    backends: await createLocalBackend({ root: join(directory, 'blobs'), createRoot: true }),
    catalog: createSqliteCatalog({ file: join(directory, 'catalog.db') }),
    salt: await saltOf(directory),
    // Every upload has an author: the application only uploads for signed-in users anyway.
    permissions: { canUpload: (principal) => principal !== null },
  });
  const tokens = Object.freeze({ alice: randomBytes(24).toString('hex'), bob: randomBytes(24).toString('hex') });
  const { app } = createApp({
    stowage,
    media: createHandler(stowage, { prefix: MEDIA_PREFIX }),
    users: { [tokens.alice]: { name: 'alice', groups: ['staff'] }, [tokens.bob]: { name: 'bob', groups: ['staff'] } },
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  // Connection-level bounds (header size and time, keep-alive, requests per socket) that no
  // route can enforce on its own.
  const server = applyServerLimits(createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.callback()));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stowage.close();
      if (temporary) await rm(directory, { recursive: true, force: true });
    })();
    return closing;
  };
  let port: number;
  try {
    port = await listen(server, options.port);
  } catch (error) {
    await close();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, directory, tokens, close };
}

/** What `npm start` prints: the URL, the data directory, the tokens and curl examples. */
export function describeServer(server: RunningServer): string {
  const auth = `-H 'Authorization: Bearer ${server.tokens.alice}'`;
  return [
    `Reports app (Koa + Stowage) listening on ${server.url}`,
    `  data:        ${server.directory}`,
    `  alice token: ${server.tokens.alice}`,
    `  bob token:   ${server.tokens.bob}`,
    '',
    'Upload a report as alice (answers 201 with its /media/<id>/<filename> URL):',
    `  curl -i ${auth} -F file=@README.md ${server.url}/api/reports`,
    'List her reports, then download one (the Location of the upload):',
    `  curl ${auth} ${server.url}/api/reports`,
    `  curl ${auth} ${server.url}/media/<id>/README.md`,
    '',
  ].join('\n');
}
