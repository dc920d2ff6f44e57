import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runBackendConformance } from '@stowage/testkit';
import { createLocalBackend } from '../src/index.js';
import { openFileDescriptors } from './helpers/open-file-descriptors.js';

const base = t.testdir();
let next = 0;
await runBackendConformance(t, {
  factory: () => createLocalBackend({ root: join(base, String(next++)) }),
  teardown: (backend) => rm(backend.info.root, { recursive: true, force: true }),
  openResources: openFileDescriptors,
});
