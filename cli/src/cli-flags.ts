import { parseArgs } from 'node:util';
import { StowageError } from '@stowage/core';

/** `STOWAGE_INVALID_CONFIG` for a command-line problem. */
export function usageError(command: string, message: string, cause?: unknown): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', `stowage ${command}: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * Parses strict `--name value` flags (no positionals).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` for an unknown flag, a missing value or a positional.
 */
export function parseFlags(command: string, argv: readonly string[], names: readonly string[]): Record<string, string | undefined> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Record<string, string | undefined>;
  } catch (error) {
    throw usageError(command, (error as Error).message, error);
  }
}

/** A TCP port flag from `min` to 65535; absent gives `undefined`. */
export function portFlag(command: string, flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < min || port > 65535) throw usageError(command, `--${flag} must be an integer from ${min} to 65535`);
  return port;
}

/** A non-empty string flag; absent gives `undefined`. */
export function stringFlag(command: string, flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value === '') throw usageError(command, `--${flag} must not be empty`);
  return value;
}
