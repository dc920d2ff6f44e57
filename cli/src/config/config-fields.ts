import { isAbsolute, resolve } from 'node:path';
import { StowageError } from '@stowage/core';

/** The error of an invalid configuration field: `STOWAGE_INVALID_CONFIG`, the field named first. */
export function invalidField(field: string, expectation: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', `${field} ${expectation}`);
}

/**
 * A JSON object of the configuration whose keys are checked against `allowed`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming `field` when `value` is not a plain object, or naming
 * `field.key` for a key that is not allowed.
 */
export function objectAt(value: unknown, field: string, allowed: readonly string[]): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidField(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalidField(`${field}.${key}`, `is not a known field (known: ${allowed.join(', ')})`);
  }
  return value as Readonly<Record<string, unknown>>;
}

/** A string value: absent gives `undefined`; empty strings and NUL characters are refused. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.includes('\0')) throw invalidField(field, 'must be a non-empty string');
  return value;
}

/** A boolean value; absent gives `undefined`. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, 'must be true or false');
  return value;
}

/** An integer from `min` to `max`; absent gives `undefined`. */
export function optionalInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidField(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A finite number above 0; absent gives `undefined`. */
export function optionalPositiveNumber(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidField(field, 'must be a finite number > 0');
  return value;
}

/** A file-system path, resolved against `base` when relative (the folder of the configuration file). */
export function optionalPath(value: unknown, field: string, base: string): string | undefined {
  const path = optionalString(value, field);
  if (path === undefined) return undefined;
  return isAbsolute(path) ? resolve(path) : resolve(base, path);
}
