import t from 'tap';
import { isStowageError, type Backend } from '@stowage/core';
import { openFileDescriptors } from '@stowage/testkit';
import type { LocalBackend } from '../src/index.js';
import { faultyStore, snapshot, stagingEntries } from './helpers/store.js';

/** Open descriptors of this process (Linux). */
const fds = (): number => openFileDescriptors() ?? 0;

const BEFORE = ['dir/', 'dir/old=old content', 'dir/sibling=sibling', 'top=top'];

interface Flow {
  readonly name: string;
  readonly run: (backend: Backend) => Promise<unknown>;
  /** Every state the store may be in afterwards: before, after, or (for multi-step flows) between. */
  readonly outcomes: ReadonlyArray<readonly string[]>;
  /**
   * States also allowed when the fault persists: the rollback itself then fails, and empty
   * directories created for the flow may stay (unlike temp files, they are visible but hold
   * nothing, and a retry of the flow reuses them).
   */
  readonly persistentOutcomes?: ReadonlyArray<readonly string[]>;
}

async function* streamed(text: string): AsyncGenerator<Uint8Array> {
  for (const part of text.match(/.{1,3}/g) ?? []) yield Buffer.from(part);
}

const FLOWS: readonly Flow[] = [
  {
    name: 'a new file in a new directory',
    run: (b) => b.write('new/deep/file', streamed('new content')),
    outcomes: [BEFORE, [...BEFORE, 'new/', 'new/deep/', 'new/deep/file=new content']],
    persistentOutcomes: [[...BEFORE, 'new/'], [...BEFORE, 'new/', 'new/deep/']],
  },
  {
    name: 'an overwrite',
    run: (b) => b.write('dir/old', streamed('replacement')),
    outcomes: [BEFORE, ['dir/', 'dir/old=replacement', 'dir/sibling=sibling', 'top=top']],
  },
  {
    name: 'a copy',
    run: (b) => b.copy!('dir/old', 'copy'),
    outcomes: [BEFORE, [...BEFORE, 'copy=old content']],
  },
  {
    name: 'a rename into a new directory',
    run: (b) => b.rename!('dir/old', 'moved/old'),
    outcomes: [BEFORE, ['dir/', 'dir/sibling=sibling', 'moved/', 'moved/old=old content', 'top=top']],
    persistentOutcomes: [[...BEFORE, 'moved/']],
  },
  {
    name: 'a delete',
    run: (b) => b.delete('dir/old'),
    outcomes: [BEFORE, ['dir/', 'dir/sibling=sibling', 'top=top']],
  },
  {
    name: 'a recursive delete',
    run: (b) => b.delete('dir', { recursive: true }),
    outcomes: [BEFORE, ['dir/', 'dir/sibling=sibling', 'top=top'], ['dir/', 'dir/old=old content', 'top=top'], ['dir/', 'top=top'], ['top=top']],
  },
];

async function prepare(base: string): Promise<Awaited<ReturnType<typeof faultyStore>>> {
  const store = await faultyStore(base);
  await store.backend.write('dir/old', [Buffer.from('old content')]);
  await store.backend.write('dir/sibling', [Buffer.from('sibling')]);
  await store.backend.write('top', [Buffer.from('top')]);
  return store;
}

async function consistent(
  backend: LocalBackend,
  root: string,
  flow: Flow,
  persistent: boolean,
  label: string,
): Promise<string | undefined> {
  await backend.sweepStaging(0);
  if (stagingEntries(root).length > 0) return `${label}: staging not empty after the sweep`;
  const state = await snapshot(backend);
  const allowed = persistent ? [...flow.outcomes, ...(flow.persistentOutcomes ?? [])] : flow.outcomes;
  const known = allowed.some((outcome) => JSON.stringify([...outcome].sort()) === JSON.stringify(state));
  return known ? undefined : `${label}: unexpected state ${JSON.stringify(state)}`;
}

/**
 * SQLite's I/O-error loop: fail the n-th file-system call of a flow (once, then persistently
 * from n on), for n = 1, 2, ... until the flow completes without reaching the fault; after each
 * run the store must be in the state before or after the flow (never partial), hold no temp
 * file once swept, and hold no descriptor.
 */
for (const flow of FLOWS) {
  for (const code of ['EIO', 'ENOSPC']) {
    for (const persistent of [false, true]) {
      t.test(`failing each file-system call of ${flow.name} with ${code}${persistent ? ' from then on' : ' once'}`, async (t) => {
        const base = t.testdir();
        const problems: string[] = [];
        let n = 1;
        for (; n < 200; n++) {
          const { backend, fs, root } = await prepare(base);
          const descriptors = fds();
          fs.resetLog();
          fs.inject({ call: '*', code, nth: n, persistent });
          let failure: unknown;
          await flow.run(backend).catch((error: unknown) => {
            failure = error;
          });
          const reached = fs.callCount >= n;
          fs.heal();
          if (failure !== undefined && !isStowageError(failure)) problems.push(`call ${n}: not a StowageError: ${String(failure)}`);
          const problem = await consistent(backend, root, flow, persistent, `call ${n}`);
          if (problem !== undefined) problems.push(problem);
          await new Promise((resolve) => setImmediate(resolve));
          if (fds() > descriptors) problems.push(`call ${n}: descriptors leaked`);
          if (!reached) break;
        }
        t.same(problems, []);
        t.ok(n > 1 && n < 200, `the flow completed once the fault was past its ${n - 1} calls`);
      });
    }
  }
}
