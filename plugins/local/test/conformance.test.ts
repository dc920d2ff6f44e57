import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runBackendConformance } from '@stowage/testkit';
import { createLocalBackend } from '../src/index.js';

const base = t.testdir();
let next = 0;
await runBackendConformance(t, {
  factory: () => createLocalBackend({ root: join(base, String(next++)) }),
  teardown: (backend) => rm(backend.info.root, { recursive: true, force: true }),
});
