import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StowageError } from '@stowage/core';
import { parseServeConfig, type ServeConfig } from './serve-config.js';

/** Values given on the command line, which win over the file's. */
export interface ConfigOverrides {
  /** `--port` */
  readonly port?: number | undefined;
  /** `--dir`, relative to the working directory. */
  readonly dir?: string | undefined;
}

/**
 * Reads and validates a JSON configuration file; relative paths in it resolve against the
 * file's folder. `overrides` replace `port` and `dataDir`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` for an unreadable file, invalid JSON, or an invalid field
 * (named, see {@link parseServeConfig}).
 */
export async function loadServeConfig(file: string, overrides: ConfigOverrides = {}): Promise<ServeConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `--config: cannot read ${path}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `--config: ${path} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return withOverrides(parseServeConfig(value, dirname(path)), overrides);
}

/** `config` with the command line's `--port` and `--dir` applied. */
export function withOverrides(config: ServeConfig, overrides: ConfigOverrides): ServeConfig {
  return Object.freeze({
    ...config,
    ...(overrides.port === undefined ? {} : { port: overrides.port }),
    ...(overrides.dir === undefined ? {} : { dataDir: resolve(overrides.dir) }),
  });
}
