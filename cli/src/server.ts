import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyServerLimits,
  createHandler,
  createRecodexHandler,
  createStowage,
  MAX_HEADER_BYTES,
  type AuthStrategy,
  type Backend,
  type BackendDescriptor,
  type DeliveryMode,
  type MediaHandler,
  type Stowage,
} from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '@stowage/sqlite';
import { authStrategiesOf } from './config/auth-strategies.js';
import type { ServeConfig } from './config/serve-config.js';
import { checkDataOutsideRoots, type ShardConfig } from './config/storage-config.js';
import { saltOf } from './salt-file.js';

/** A running `stowage serve`. */
export interface RunningServer {
  /** `http://<host>:<port>` */
  readonly url: string;
  /** The configuration it runs, `dataDir` filled in. */
  readonly config: ServeConfig & { readonly dataDir: string };
  /** Where the catalog (`catalog.db`) and the salt live. */
  readonly directory: string;
  readonly stowage: Stowage;
  /** Stops listening, closes the catalog and backends, and deletes the directory when it was temporary. */
  close(): Promise<void>;
}

/** What {@link startServer} adds to the configuration. */
export interface StartOptions {
  /** Extra strategies tried before the configured ones (the demo token). @defaultValue [] */
  readonly auth?: readonly AuthStrategy[];
  /**
   * Also mount the ReCodEx fileserver routes (`/submissions`, `/submission_archives`,
   * `/results`, `/tasks`, `/exercises`) over a local backend at `<dataDir>/recodex`, guarded by
   * the configured strategies only (open without any, as the original's dev mode). @defaultValue false
   */
  readonly recodex?: boolean;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

function deliveryOf(shard: ShardConfig, backend: Backend): DeliveryMode | undefined {
  if (shard.delivery.mode === 'x-accel') return { mode: 'x-accel', internalPrefix: shard.delivery.internalPrefix };
  if (shard.delivery.mode === 'x-sendfile') return { mode: 'x-sendfile', backend };
  return undefined;
}

interface Storage {
  readonly backends: Backend | BackendDescriptor[];
  readonly delivery: Record<string, DeliveryMode>;
  readonly opened: Backend[];
}

async function openStorage(config: ServeConfig, directory: string): Promise<Storage> {
  const opened: Backend[] = [];
  const delivery: Record<string, DeliveryMode> = {};
  const descriptors: BackendDescriptor[] = [];
  try {
    for (const shard of config.storage.shards) {
      const root = shard.root ?? join(directory, 'blobs');
      const backend = await createLocalBackend({ root, name: shard.name, createRoot: true });
      opened.push(backend);
      const mode = deliveryOf(shard, backend);
      if (mode !== undefined) delivery[shard.name] = mode;
      descriptors.push({
        name: shard.name,
        backend,
        ...(shard.weight === undefined ? {} : { weight: shard.weight }),
        ...(shard.active === undefined ? {} : { active: shard.active }),
      });
    }
  } catch (error) {
    await Promise.allSettled(opened.map((backend) => backend.close?.()));
    throw error;
  }
  return { backends: config.storage.single ? (opened[0] as Backend) : descriptors, delivery, opened };
}

/**
 * Starts the media profile on `config.host`:`config.port` over local backends (one root or
 * several shards under the sharding router) and the SQLite catalog (`<dataDir>/catalog.db`),
 * with the configured authentication, uploads (refused to anonymous callers: they would belong
 * to nobody), delivery per shard and permission policy. Without `dataDir` it works in a new
 * temporary directory deleted by `close()`; requests outside the prefix get a JSON 404.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` (a data directory inside a shard root, an unreadable token or
 * htpasswd file, an invalid root), the local backend's and the catalog's startup errors, or the
 * listen error (`EADDRINUSE`). Everything opened is closed again on failure.
 */
export async function startServer(config: ServeConfig, options: StartOptions = {}): Promise<RunningServer> {
  const temporary = config.dataDir === undefined;
  const directory = config.dataDir ?? (await mkdtemp(join(tmpdir(), 'stowage-demo-')));
  const cleanups: (() => Promise<unknown>)[] = temporary ? [() => rm(directory, { recursive: true, force: true })] : [];
  try {
    checkDataOutsideRoots(directory, config.storage);
    await mkdir(directory, { recursive: true });
    const strategies = [...(options.auth ?? []), ...(await authStrategiesOf(config.auth))];
    const salt = await saltOf(directory);
    const storage = await openStorage(config, directory);
    cleanups.unshift(async () => Promise.allSettled(storage.opened.map((backend) => backend.close?.())));
    const catalog = createSqliteCatalog({ file: join(directory, 'catalog.db') });
    cleanups.unshift(() => catalog.close());
    const stowage = createStowage({
      backends: storage.backends,
      catalog,
      salt,
      // Anonymous uploads would belong to nobody: only authenticated principals upload.
      permissions: { hideExistence: config.hideExistence, canUpload: (principal) => principal !== null },
    });
    // The facade closes the catalog and the backends itself.
    cleanups.splice(0, 2, () => stowage.close());
    const handler = createHandler(stowage, { prefix: config.mediaPrefix || '/', auth: strategies, uploads: config.uploads, delivery: storage.delivery });
    const handlers: Pick<MediaHandler, 'handle'>[] = [handler];
    if (options.recodex === true) {
      const recodexBackend = await createLocalBackend({ root: join(directory, 'recodex'), name: 'recodex', createRoot: true });
      handlers.push(createRecodexHandler(recodexBackend, { auth: await authStrategiesOf(config.auth) }));
    }
    // Connection limits (slowloris headers, idle keep-alive, header size) on top of the handler's own.
    const server = applyServerLimits(
      createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
        void handleFirst(handlers, request, response).then((handled) => {
          if (handled) return;
          response.writeHead(404, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
          response.end(JSON.stringify({ error: 'Not found', code: 'STOWAGE_NOT_FOUND' }));
        });
      }),
    );
    const port = await listen(server, config.port, config.host);
    return running(server, { ...config, port, dataDir: directory }, stowage, cleanups);
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw error;
  }
}

/** Offers the request to each handler in turn; `true` once one answered it. */
async function handleFirst(handlers: readonly Pick<MediaHandler, 'handle'>[], request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  for (const handler of handlers) if (await handler.handle(request, response)) return true;
  return false;
}

function running(
  server: Server,
  config: ServeConfig & { readonly dataDir: string },
  stowage: Stowage,
  cleanups: readonly (() => Promise<unknown>)[],
): RunningServer {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return Object.freeze({
    url: `http://${host}:${config.port}`,
    config: Object.freeze(config),
    directory: config.dataDir,
    stowage,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        for (const cleanup of cleanups) await cleanup();
      })();
      return closing;
    },
  });
}
