import { readFile } from 'node:fs/promises';
import t from 'tap';
import { createStack } from './helpers/stack.js';
import { PARITY_CLOCK, PARITY_LIMITS, PARITY_USERS } from './helpers/parity-cases.js';
import { runParityCases } from './helpers/run-parity.js';
import { startApp } from './helpers/start-app.js';

// The other example, read as text (never imported: each example builds on its own).
const SIBLING = 'express-app';
const packageRoot = new URL('../../', import.meta.url);
const siblingRoot = new URL(`../${SIBLING}/`, packageRoot);

t.test('the shared request list gets the shared answers, byte for byte', async (t) => {
  const stack = await createStack(t, { clock: PARITY_CLOCK });
  const { url } = await startApp(t, { stowage: stack.stowage, users: PARITY_USERS, uploadLimits: PARITY_LIMITS });
  await runParityCases(t, url);
});

t.test('the request list and the framework-neutral modules are the same in both examples', async (t) => {
  const shared = [
    'test/helpers/parity-cases.ts',
    'test/helpers/run-parity.ts',
    'test/helpers/multipart.ts',
    'test/helpers/stack.ts',
    'src/users.ts',
    'src/reports.ts',
    'src/json-answer.ts',
    'src/report-upload.ts',
    'src/json-body.ts',
    'src/env.ts',
  ];
  for (const file of shared) {
    const [own, sibling] = await Promise.all([readFile(new URL(file, packageRoot), 'utf8'), readFile(new URL(file, siblingRoot), 'utf8')]);
    t.equal(own, sibling, `${file} matches ${SIBLING}`);
  }
});
