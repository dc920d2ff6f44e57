import { StowageError } from '@stowage/core';
import { parseFlags, portFlag, stringFlag } from './cli-flags.js';

/** What `stowage serve` was asked for on the command line. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one; `undefined`: the configuration's, else 8080. */
  readonly port: number | undefined;
  /** Where the catalog, salt (and the default blob root) live; wins over the configuration's `dataDir`. */
  readonly dir: string | undefined;
  /** The JSON configuration file (docs/cli.md); absent: the demo (a generated token, uploads on). */
  readonly config: string | undefined;
  /** Profiles mounted next to the media profile: `recodex` adds the ReCodEx fileserver routes. */
  readonly profiles: readonly ServeProfile[];
}

/** A profile `stowage serve --profile` can mount next to the media profile. */
export type ServeProfile = 'recodex';

const PROFILES: readonly string[] = ['media', 'recodex'];

/**
 * Reads `stowage serve [--port N] [--dir PATH] [--config FILE] [--profile recodex]`; `--profile`
 * takes a comma-separated list (`media` is always mounted and may be named).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the flag for an unknown flag or a bad value.
 */
export function parseServeOptions(argv: readonly string[]): ServeOptions {
  const values = parseFlags('serve', argv, ['port', 'dir', 'config', 'profile']);
  const named = (stringFlag('serve', 'profile', values['profile']) ?? 'media').split(',').map((name) => name.trim());
  const unknown = named.find((name) => !PROFILES.includes(name));
  if (unknown !== undefined) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `stowage serve: --profile ${JSON.stringify(unknown)} is not one of ${PROFILES.join(', ')}`);
  }
  return {
    port: portFlag('serve', 'port', values['port'], 0),
    dir: stringFlag('serve', 'dir', values['dir']),
    config: stringFlag('serve', 'config', values['config']),
    profiles: named.includes('recodex') ? ['recodex'] : [],
  };
}
