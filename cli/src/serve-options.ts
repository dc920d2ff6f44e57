import { parseFlags, portFlag, stringFlag } from './cli-flags.js';

/** What `stowage serve` was asked for on the command line. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one; `undefined`: the configuration's, else 8080. */
  readonly port: number | undefined;
  /** Where the catalog, salt (and the default blob root) live; wins over the configuration's `dataDir`. */
  readonly dir: string | undefined;
  /** The JSON configuration file (docs/cli.md); absent: the demo (a generated token, uploads on). */
  readonly config: string | undefined;
}

/**
 * Reads `stowage serve [--port N] [--dir PATH] [--config FILE]`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the flag for an unknown flag or a bad value.
 */
export function parseServeOptions(argv: readonly string[]): ServeOptions {
  const values = parseFlags('serve', argv, ['port', 'dir', 'config']);
  return {
    port: portFlag('serve', 'port', values['port'], 0),
    dir: stringFlag('serve', 'dir', values['dir']),
    config: stringFlag('serve', 'config', values['config']),
  };
}
