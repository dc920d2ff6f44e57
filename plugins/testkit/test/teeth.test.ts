import t from 'tap';
import { createMemoryBackend } from '@stowage/core';
import { runConformanceCases, type CaseResult } from '../src/index.js';
import { BROKEN_BACKENDS, WithClose, WithNativeHashes, WithoutTransfers } from './broken-backends.js';

const LARGE = 512 * 1024;

function failedIds(results: readonly CaseResult[]): string[] {
  return results.filter((result) => result.status === 'failed').map((result) => result.id);
}

t.test('the reference memory backend passes every case', async (t) => {
  const results = await runConformanceCases({ factory: () => createMemoryBackend(), largeBytes: LARGE });
  t.same(failedIds(results), []);
  const notApplicable = results.filter((result) => result.status !== 'passed').map((result) => result.id);
  t.same(notApplicable, ['capabilities/close'], 'every case but close applies to the memory backend');
});

for (const broken of BROKEN_BACKENDS) {
  t.test(`a backend that ${broken.name} is caught`, async (t) => {
    const results = await runConformanceCases({ factory: broken.create, largeBytes: LARGE, caseTimeoutMs: 20_000 });
    const failed = failedIds(results);
    for (const id of broken.caughtBy) t.ok(failed.includes(id), `caught by ${id}`);
  });
}

t.test('skipped cases are reported with their reason and not run', async (t) => {
  const results = await runConformanceCases({
    factory: () => createMemoryBackend(),
    largeBytes: LARGE,
    skip: { large: 'too slow here', 'range/random': 'flaky store' },
  });
  const skipped = results.filter((result) => result.status === 'skipped');
  t.ok(skipped.length > 1);
  t.ok(skipped.every((result) => result.id.startsWith('large/') || result.id === 'range/random'));
  t.equal(skipped.find((result) => result.id === 'range/random')?.reason, 'flaky store');
});

t.test('cases a backend’s capabilities exclude are not applicable, and nothing else fails', async (t) => {
  const results = await runConformanceCases({ factory: () => new WithoutTransfers(createMemoryBackend()), largeBytes: LARGE });
  t.same(failedIds(results), []);
  const notApplicable = results.filter((result) => result.status === 'not-applicable').map((result) => result.id);
  t.ok(notApplicable.includes('copy/basic') && notApplicable.includes('rename/basic'));
  t.ok(notApplicable.includes('large/concurrent-one-path') && notApplicable.includes('read/overwrite-during-read'));
  t.ok(notApplicable.every((id) => /^(copy|rename)\/|concurrent-one-path|reads-during-writes|overwrite-during-read|capabilities\/close/.test(id)));
});

t.test('a backend with correct native hashes passes every case', async (t) => {
  const results = await runConformanceCases({ factory: () => new WithNativeHashes(createMemoryBackend()), largeBytes: LARGE });
  t.same(failedIds(results), []);
});

t.test('a backend with a correct close passes every case, the close case included', async (t) => {
  const results = await runConformanceCases({ factory: () => new WithClose(createMemoryBackend()), largeBytes: LARGE });
  t.same(failedIds(results), []);
  t.equal(results.find((result) => result.id === 'capabilities/close')?.status, 'passed');
});
