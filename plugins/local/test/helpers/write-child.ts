/**
 * A child process for the syscall-fault tests: opens a local backend at argv[2] and writes
 * argv[3] bytes to `file`, then prints the outcome as one JSON line.
 */
import { isStowageError } from '@stowage/core';
import { patternBytes } from '@stowage/testkit';
import { createLocalBackend } from '../../src/index.js';

const [, , root, size] = process.argv;
const backend = await createLocalBackend({ root: root as string });
try {
  const entry = await backend.write('file', [patternBytes(Number(size))]);
  console.log(JSON.stringify({ ok: true, size: entry.size }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: isStowageError(error) ? error.code : String(error) }));
}
