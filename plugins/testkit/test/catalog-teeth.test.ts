import t from 'tap';
import { createMemoryCatalog, ForwardingCatalog } from '@stowage/core';
import { CATALOG_CONFORMANCE_CASES, runCatalogConformance, runCatalogConformanceCases, type CaseResult, type TestHost } from '../src/index.js';
import { BROKEN_CATALOGS, forgetfulReopen, persistentMemory } from './helpers/broken-catalogs.js';

function idsWith(results: readonly CaseResult[], status: CaseResult['status']): string[] {
  return results.filter((result) => result.status === status).map((result) => result.id);
}

const DURABILITY = CATALOG_CONFORMANCE_CASES.filter((testCase) => testCase.needsReopen === true).map((testCase) => testCase.id);

t.test('the memory catalog passes every case; the durability cases do not apply to it', async (t) => {
  const results = await runCatalogConformanceCases({ factory: () => createMemoryCatalog() });
  t.same(idsWith(results, 'failed'), []);
  t.same(idsWith(results, 'not-applicable'), DURABILITY);
  t.ok(DURABILITY.length >= 2);
});

t.test('a persistent store (sessions over one memory catalog) passes every case, the durability cases included', async (t) => {
  const results = await runCatalogConformanceCases(persistentMemory);
  t.same(idsWith(results, 'failed'), []);
  t.equal(idsWith(results, 'passed').length, CATALOG_CONFORMANCE_CASES.length);
});

t.test('a reopen that loses the data is caught by every durability case', async (t) => {
  const results = await runCatalogConformanceCases(forgetfulReopen, CATALOG_CONFORMANCE_CASES.filter((testCase) => testCase.needsReopen === true));
  t.same(idsWith(results, 'failed'), DURABILITY);
});

for (const broken of BROKEN_CATALOGS) {
  t.test(`a catalog that ${broken.name} is caught`, async (t) => {
    const results = await runCatalogConformanceCases({ factory: broken.create, caseTimeoutMs: 30_000 });
    const failed = idsWith(results, 'failed');
    for (const id of broken.caughtBy) t.ok(failed.includes(id), `caught by ${id}`);
  });
}

t.test('every case id is unique, names its family and has a title', async (t) => {
  const ids = CATALOG_CONFORMANCE_CASES.map((testCase) => testCase.id);
  t.equal(new Set(ids).size, ids.length);
  t.ok(CATALOG_CONFORMANCE_CASES.every((testCase) => /^[a-z]+\/[a-z0-9-]+$/.test(testCase.id) && testCase.title.length > 10));
});

t.test('skipped cases are reported with their reason and not run', async (t) => {
  const results = await runCatalogConformanceCases({
    factory: () => createMemoryCatalog(),
    skip: { invariants: 'too slow here', 'keys/unicode': 'the store folds case' },
  });
  t.same(
    results.filter((result) => result.status === 'skipped').map((result) => [result.id, result.reason]),
    [['keys/unicode', 'the store folds case'], ['invariants/random-histories', 'too slow here']],
  );
});

t.test('a case overrunning its time limit fails instead of hanging', async (t) => {
  class Stuck extends ForwardingCatalog {
    override getBlob(): Promise<undefined> {
      return new Promise<never>(() => undefined);
    }
  }
  const [result] = await runCatalogConformanceCases(
    { factory: () => new Stuck(createMemoryCatalog()), caseTimeoutMs: 50 },
    CATALOG_CONFORMANCE_CASES.filter((testCase) => testCase.id === 'blobs/claim-absent'),
  );
  t.equal(result?.status, 'failed');
  t.match(String(result?.error), /did not finish within 50 ms/);
});

t.test('a stray rejection during a case fails it', async (t) => {
  class Leaky extends ForwardingCatalog {
    override getBlob(sha256: string): ReturnType<ForwardingCatalog['getBlob']> {
      void Promise.reject(new Error('a forgotten cleanup failed'));
      return this.inner.getBlob(sha256);
    }
  }
  const [result] = await runCatalogConformanceCases({ factory: () => new Leaky(createMemoryCatalog()) }, CATALOG_CONFORMANCE_CASES.filter((testCase) => testCase.id === 'blobs/claim-absent'));
  t.equal(result?.status, 'failed');
  t.match(String(result?.error), /a forgotten cleanup failed/);
});

t.test('runCatalogConformance registers one subtest per family and reports the durability cases as skipped without reopen', async (t) => {
  const names: string[] = [];
  const skipped: string[] = [];
  const host: TestHost = {
    async test(name: string, options: { skip?: string }, callback: (t: TestHost) => Promise<void>): Promise<void> {
      names.push(name);
      if (options.skip !== undefined) skipped.push(name);
      else if (!name.includes('[')) await callback(host);
    },
  };
  await runCatalogConformance(host, { factory: () => createMemoryCatalog() });
  t.ok(names.includes('blobs') && names.includes('lifecycle'));
  t.equal(skipped.length, DURABILITY.length);
  t.ok(skipped.every((name) => DURABILITY.some((id) => name.endsWith(`[${id}]`))));
});
