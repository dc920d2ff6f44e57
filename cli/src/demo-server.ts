import { randomBytes } from 'node:crypto';
import { tokenAuth, type Stowage } from '@stowage/core';
import { demoConfig } from './config/serve-config.js';
import { startServer } from './server.js';

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

/** Where the demo runs: `port` (default 8080, 0 picks one) and `dir` (absent: a temporary directory). */
export interface DemoOptions {
  readonly port?: number | undefined;
  readonly dir?: string | undefined;
  /** Mount the ReCodEx fileserver routes too (open, as the original's dev mode). */
  readonly recodex?: boolean;
}

/**
 * Starts the media profile on 127.0.0.1 over a local backend (`<dir>/blobs`) and the SQLite
 * catalog, with uploads enabled for the bearer token it returns (principal `demo`); anonymous
 * uploads are refused.
 */
export async function startDemoServer(options: DemoOptions = {}): Promise<DemoServer> {
  const token = randomBytes(24).toString('hex');
  const server = await startServer(demoConfig(options.port ?? 8080, options.dir), {
    auth: [tokenAuth({ tokens: { [token]: 'demo' } })],
    recodex: options.recodex === true,
  });
  return Object.freeze({
    url: server.url,
    token,
    directory: server.directory,
    stowage: server.stowage,
    close: () => server.close(),
  });
}
