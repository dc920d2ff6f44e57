import { readdirSync } from 'node:fs';

/** How many file descriptors this process has open (Linux `/proc/self/fd`). */
export function openFileDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}
