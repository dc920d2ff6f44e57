import { StowageError } from '@stowage/core';
import type { ServerOptions } from './server.js';

/** The port used when `PORT` is not set. */
export const DEFAULT_PORT = 3000;

/**
 * The server options `npm start` takes from the environment: `PORT` (an integer 0 to 65535,
 * default 3000) and `STOWAGE_DIR` (a directory kept across restarts; default a temporary one).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the variable.
 */
export function serverOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): ServerOptions {
  const portText = env['PORT'];
  let port = DEFAULT_PORT;
  if (portText !== undefined && portText !== '') {
    port = Number(portText);
    if (!/^[0-9]{1,5}$/.test(portText) || port > 65535) throw new StowageError('STOWAGE_INVALID_CONFIG', 'PORT must be an integer from 0 to 65535');
  }
  const dir = env['STOWAGE_DIR'];
  return dir === undefined || dir === '' ? { port } : { port, dir };
}
