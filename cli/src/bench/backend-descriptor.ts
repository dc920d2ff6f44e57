import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMemoryBackend, findBackendShapeProblems, StowageError, type Backend } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';

/** A backend opened from a descriptor, and how to report it. */
export interface OpenedBackend {
  readonly backend: Backend;
  /** The descriptor as given. */
  readonly descriptor: string;
}

/** What a JSON descriptor file holds. */
export interface BackendFactoryFile {
  /** A package name, or a path relative to the JSON file. */
  readonly module: string;
  /** The factory's export name. @defaultValue `"default"` */
  readonly export?: string;
  /** Passed to the factory as its only argument. @defaultValue `{}` */
  readonly options?: unknown;
}

function invalid(message: string, cause?: unknown): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', `stowage bench: ${message}`, cause === undefined ? {} : { cause });
}

function parseFactoryFile(text: string, file: string): BackendFactoryFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`${file} is not JSON`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${file} must hold an object`);
  const { module, export: name, options } = value as Record<string, unknown>;
  if (typeof module !== 'string' || module === '') throw invalid(`${file}: "module" must name a package or a path`);
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw invalid(`${file}: "export" must be a non-empty string`);
  return { module, ...(name === undefined ? {} : { export: name as string }), ...(options === undefined ? {} : { options }) };
}

/** The URL to import `specifier` from, as seen from the descriptor file. */
function moduleUrl(specifier: string, file: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) return pathToFileURL(resolve(dirname(file), specifier)).href;
  try {
    return pathToFileURL(createRequire(file).resolve(specifier)).href;
  } catch {
    // An import-only package: let the ESM resolver find it from the CLI's own location.
    return specifier;
  }
}

async function fromFactoryFile(file: string): Promise<Backend> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw invalid(`cannot read ${file}`, error);
  });
  const spec = parseFactoryFile(text, file);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(moduleUrl(spec.module, file))) as Record<string, unknown>;
  } catch (error) {
    throw invalid(`cannot load ${spec.module}`, error);
  }
  const factory = loaded[spec.export ?? 'default'];
  if (typeof factory !== 'function') throw invalid(`${spec.module} has no function export "${spec.export ?? 'default'}"`);
  const backend = (await (factory as (options: unknown) => unknown)(spec.options ?? {})) as Backend;
  const problems = typeof backend === 'object' && backend !== null ? findBackendShapeProblems(backend) : ['the factory did not return an object'];
  if (problems.length > 0) throw invalid(`the factory did not return a backend: ${problems.join('; ')}`);
  return backend;
}

/**
 * Opens the backend a descriptor names.
 *
 * Behavior:
 * - `local:<dir>`: `createLocalBackend({ root: <dir>, createRoot: true })`, `<dir>` resolved
 *   against `cwd`.
 * - `memory:`: the in-memory backend of `@stowage/core`.
 * - anything ending in `.json`: a {@link BackendFactoryFile}; the module is imported (paths
 *   relative to the file), its factory called with `options`, and the result checked with
 *   `findBackendShapeProblems`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` for an unknown scheme, an empty path, an unreadable or
 * malformed JSON file, a module that does not load, a missing factory, or a result that is not a
 * backend; whatever the backend's own factory throws (for instance the local backend's root checks).
 */
export async function openBackend(descriptor: string, cwd: string): Promise<OpenedBackend> {
  let backend: Backend;
  if (descriptor.startsWith('local:')) {
    const root = descriptor.slice('local:'.length);
    if (root === '') throw invalid('local: needs a directory, as in local:/srv/bench');
    backend = await createLocalBackend({ root: resolve(cwd, root), createRoot: true });
  } else if (descriptor === 'memory:') {
    backend = createMemoryBackend({ name: 'bench' });
  } else if (descriptor.endsWith('.json')) {
    backend = await fromFactoryFile(resolve(cwd, descriptor));
  } else {
    throw invalid(`unknown backend descriptor "${descriptor}" (local:<dir>, memory: or <file>.json)`);
  }
  return { backend, descriptor };
}
