import { createMemoryBackend, type Backend } from '../../../src/index.js';
import type { ShardDescriptor, ShardRouter } from '../../../src/sharding/index.js';

/** Shards over fresh memory backends named like the shards; `extra` is merged into each descriptor by position. */
export function memoryShards(names: readonly string[], extra: ReadonlyArray<Partial<ShardDescriptor>> = []): ShardDescriptor[] {
  return names.map((name, index) => ({ name, backend: createMemoryBackend({ name: `memory-${name}` }), ...extra[index] }));
}

/** `count` distinct placement keys. */
export function keys(count: number, prefix = 'media'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}/${String(i)}`);
}

/** How many of `placed` went to each name of `names`. */
export function tally(placed: readonly string[], names: readonly string[]): number[] {
  return names.map((name) => placed.filter((shard) => shard === name).length);
}

/** Pearson's chi-square statistic of observed counts against expected ones. */
export function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, count, i) => sum + (count - expected[i]!) ** 2 / expected[i]!, 0);
}

/** The shard names `router` places each key on. */
export async function placeAll(router: ShardRouter, keyList: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const key of keyList) names.push((await router.place(key)).name);
  return names;
}

/** The first path `${prefix}-N` that `router` places on `shard`. */
export async function pathOn(router: ShardRouter, shard: string, prefix = 'file'): Promise<string> {
  for (let i = 0; ; i++) {
    const path = `${prefix}-${String(i)}`;
    if ((await router.place(path)).name === shard) return path;
  }
}

/** Every entry of `backend` as `path/` or `path=content`, sorted. */
export async function snapshot(backend: Backend): Promise<string[]> {
  const lines: string[] = [];
  for await (const entry of backend.list('', { recursive: true })) {
    if (entry.kind === 'directory') {
      lines.push(`${entry.path}/`);
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of (await backend.read(entry.path)).stream) chunks.push(chunk as Buffer);
    lines.push(`${entry.path}=${Buffer.concat(chunks).toString()}`);
  }
  return lines.sort();
}

/** The whole content of the file at `path`, as text. */
export async function readText(backend: Backend, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await backend.read(path)).stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** Writes `text` as the file at `path`. */
export async function writeText(backend: Backend, path: string, text: string): Promise<void> {
  await backend.write(path, [Buffer.from(text)]);
}

/** Whether `backend` has a file or directory at `path`. */
export async function exists(backend: Backend, path: string): Promise<boolean> {
  return backend.stat(path).then(
    () => true,
    () => false,
  );
}

/** The first of `candidates` for which `accept` holds. */
export async function findPath(candidates: (i: number) => string, accept: (path: string) => boolean | Promise<boolean>): Promise<string> {
  for (let i = 0; ; i++) {
    const path = candidates(i);
    if (await accept(path)) return path;
  }
}
