/**
 * Measures the cost of the rendezvous hash and of `place()`, to choose the hash by numbers.
 * Not a test (nothing asserts a time): run it by hand after `npx tsc -b core`:
 *
 *   node core/dist/test/sharding/helpers/measure-hash.js
 *
 * It prints the median, fastest and slowest of 7 rounds, in nanoseconds per call.
 */
import * as crypto from 'node:crypto';
import { createMemoryBackend } from '../../../src/index.js';
import { createShardRouter, rendezvousHash } from '../../../src/sharding/index.js';
import { sha256HexStreaming } from '../../../src/sharding/rendezvous.js';

const KEYS = Array.from({ length: 100_000 }, (_, i) => `media/${(Math.imul(i, 2654435761) >>> 0).toString(16)}/${String(i)}`);
const NAMES = ['alpha', 'beta', 'gamma'];
const ROUNDS = 7;
const PLACE_KEYS = KEYS.slice(0, 20_000);

function fromBuffer(digest: Buffer): number {
  return (digest.readUInt32BE(0) * 2 ** 21 + (digest.readUInt32BE(4) >>> 11) + 0.5) / 2 ** 53;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;
const encoder = new TextEncoder();

/** FNV-1a 64 with BigInt arithmetic: the pure-JS candidate. */
function fnv1a64(input: string): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(input)) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
  return (Number(hash >> 11n) + 0.5) / 2 ** 53;
}

const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function fromHex(hex: string): number {
  return (Number.parseInt(hex.slice(0, 8), 16) * 2 ** 21 + (Number.parseInt(hex.slice(8, 16), 16) >>> 11) + 0.5) / 2 ** 53;
}

const candidates: Record<string, (name: string, key: string) => number> = {
  'rendezvousHash (the chosen path)': rendezvousHash,
  'sha256 createHash, hex digest (the fallback)': (name, key) => fromHex(sha256HexStreaming(`${name}\0${key}`)),
  'sha256 createHash, buffer digest': (name, key) => fromBuffer(crypto.createHash('sha256').update(`${name}\0${key}`).digest()),
  ...(oneShot === undefined
    ? {}
    : {
        'sha256 crypto.hash one-shot, hex (Node >= 20.12)': (name: string, key: string) =>
          fromHex(oneShot('sha256', `${name}\0${key}`, 'hex')),
      }),
  'fnv-1a 64, BigInt': (name, key) => fnv1a64(`${name}\0${key}`),
};

function report(label: string, perCall: number[]): void {
  const sorted = [...perCall].sort((a, b) => a - b);
  const format = (value: number): string => value.toFixed(0).padStart(6);
  console.log(`${label.padEnd(48)} median ${format(sorted[3]!)}  min ${format(sorted[0]!)}  max ${format(sorted[ROUNDS - 1]!)} ns/call`);
}

async function measure(label: string, calls: number, run: () => void | Promise<void>): Promise<void> {
  await run(); // warm-up
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    await run();
    perCall.push(Number(process.hrtime.bigint() - start) / calls);
  }
  report(label, perCall);
}

console.log(`node ${process.version}, ${String(KEYS.length)} keys x ${String(NAMES.length)} shard names`);
let sink = 0;
for (const [label, hash] of Object.entries(candidates)) {
  await measure(label, KEYS.length * NAMES.length, () => {
    for (const key of KEYS) for (const name of NAMES) sink += hash(name, key);
  });
}
for (const count of [3, 8]) {
  const shards = Array.from({ length: count }, (_, i) => {
    const name = `shard-${String(i)}`;
    return { name, backend: createMemoryBackend({ name }), freeBytes: async () => 1e12 };
  });
  for (const strategy of ['rendezvous', 'free-space'] as const) {
    const router = createShardRouter({ shards, strategy });
    await measure(`place() over ${String(count)} shards, ${strategy}`, PLACE_KEYS.length, async () => {
      for (const key of PLACE_KEYS) sink += (await router.place(key)).weight;
    });
  }
}
if (sink === 42) console.log('');
