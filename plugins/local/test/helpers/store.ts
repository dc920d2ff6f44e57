import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { collect, readFile } from '@stowage/testkit';
import { createLocalBackend, type LocalBackend, type LocalBackendOptions } from '../../src/index.js';
import { FaultyFileSystem } from './faulty-file-system.js';

/** A fresh local backend in a new directory under `base`, on a fault-injecting file system. */
export async function faultyStore(
  base: string,
  options: Partial<LocalBackendOptions> = {},
): Promise<{ backend: LocalBackend; fs: FaultyFileSystem; root: string }> {
  const root = mkdtempSync(join(base, 'store-'));
  const fs = new FaultyFileSystem();
  const backend = await createLocalBackend({ root, fs, ...options });
  return { backend, fs, root };
}

/** The names in the staging folder of the store at `root`. */
export function stagingEntries(root: string): string[] {
  return readdirSync(join(root, '.stowage', 'staging'));
}

/** Every file of the store with its content, as `path=content`, sorted. */
export async function snapshot(backend: LocalBackend): Promise<string[]> {
  const entries = await collect(backend.list('', { recursive: true }));
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(entry.kind === 'file' ? `${entry.path}=${(await readFile(backend, entry.path)).toString()}` : `${entry.path}/`);
  }
  return lines.sort();
}
