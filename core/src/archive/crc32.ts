import zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * CRC-32 (the zip polynomial) in plain JavaScript, continuing from `value`: the fallback for
 * Node versions before 20.15, which lack `zlib.crc32`.
 */
export function crc32Portable(data: Uint8Array, value = 0): number {
  const lookup = crcTable();
  let crc = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = (lookup[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `data` continuing from `value`: `zlib.crc32` where Node has it, else {@link crc32Portable}. */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data, value = 0) => zlib.crc32(data, value) : crc32Portable;
