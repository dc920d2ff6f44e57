import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRecodexHandler, htpasswdAuth, type RecodexHandler } from '@stowage/core';
import { createStowageServer } from '@stowage/http';
import { createLocalBackend } from '@stowage/local';

/** Options of {@link startFileserver}. */
export interface FileserverOptions {
  readonly port: number;
  readonly host: string;
  /** The working directory; absent: a fresh temporary directory, removed by `close`. */
  readonly dir?: string;
  /** An htpasswd file guarding every route with HTTP Basic. */
  readonly htpasswd?: string;
}

/** A running fileserver. */
export interface Fileserver {
  /** `http://<host>:<port>`, the address to give the ReCodEx API and workers. */
  readonly url: string;
  /** Where the files are: `submissions/`, `submission_archives/`, `results/`, `tasks/`. */
  readonly directory: string;
  /** Whether `directory` is temporary (removed by `close`). */
  readonly temporary: boolean;
  readonly handler: RecodexHandler;
  readonly server: Server;
  /** Stops accepting requests, ends the open ones, and removes a temporary directory. */
  close(): Promise<void>;
}

/**
 * Starts the ReCodEx fileserver profile on a local directory, as the original's dev mode does:
 * a temporary working directory unless one is given, removed when the server is closed.
 */
export async function startFileserver(options: FileserverOptions): Promise<Fileserver> {
  const temporary = options.dir === undefined;
  const directory = options.dir === undefined ? await mkdtemp(join(tmpdir(), 'recodex-fileserver-')) : resolve(options.dir);
  try {
    const backend = await createLocalBackend({ root: directory });
    const handler = createRecodexHandler(backend, options.htpasswd === undefined ? {} : { auth: [htpasswdAuth({ file: options.htpasswd }, 'ReCodEx fileserver')] });
    const server = createStowageServer(handler);
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(options.port, options.host, () => {
        server.off('error', failed);
        listening();
      });
    });
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      directory,
      temporary,
      handler,
      server,
      close() {
        closing ??= new Promise<void>((closed) => {
          server.close(() => closed());
          server.closeAllConnections();
        }).then(() => (temporary ? rm(directory, { recursive: true, force: true }) : undefined));
        return closing;
      },
    };
  } catch (error) {
    if (temporary) await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

/** What `npm start` prints: the address, the directory and how to try it. */
export function describeFileserver(fileserver: Fileserver, guarded: boolean): string {
  const auth = guarded ? ' -u USER:PASSWORD' : '';
  return [
    `ReCodEx fileserver listening on ${fileserver.url}`,
    `data:    ${fileserver.directory}${fileserver.temporary ? ' (temporary, deleted on exit)' : ''}`,
    `auth:    ${guarded ? 'HTTP Basic (htpasswd)' : 'none (dev mode)'}`,
    'try:',
    `  curl${auth} -F 'main.c=@main.c' ${fileserver.url}/submissions/job-1`,
    `  curl${auth} -o job-1.zip ${fileserver.url}/submission_archives/job-1.zip`,
    'stop with Ctrl-C',
    '',
  ].join('\n');
}
