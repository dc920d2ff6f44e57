import { parseArgs } from 'node:util';
import { StowageError } from '@stowage/core';

/** What `stowage serve` was asked for. */
export interface ServeOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Where blobs and the catalog live; absent: a temporary directory deleted on exit. */
  readonly dir: string | undefined;
}

/**
 * Reads `stowage serve [--port N] [--dir PATH]`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the flag for an unknown flag or a bad value.
 */
export function parseServeOptions(argv: readonly string[]): ServeOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, dir: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `stowage serve: ${(error as Error).message}`, { cause: error });
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'stowage serve: --port must be an integer from 0 to 65535');
  }
  if (values.dir !== undefined && values.dir === '') {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'stowage serve: --dir must not be empty');
  }
  return { port, dir: values.dir };
}
