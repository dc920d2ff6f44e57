import type { CaseResult } from '../run-conformance-cases.js';
import type { TestHost } from '../run-backend-conformance.js';
import type { CatalogConformanceCase, CatalogConformanceOptions } from './catalog-case.js';
import { CATALOG_CONFORMANCE_CASES, catalogFamilyOf } from './cases.js';
import { catalogSkipReasonOf, NO_REOPEN_REASON, runCatalogCase } from './run-catalog-case.js';

/**
 * Registers the catalog conformance suite as subtests of `t`: one subtest per family, one per
 * case, each against a fresh catalog from `options.factory`. Cases listed in `options.skip`,
 * and the durability cases when `options.reopen` is not given, are reported as skipped with
 * their reason.
 *
 * @example
 * ```ts
 * import t from 'tap';
 * import { runCatalogConformance } from '@stowage/testkit';
 * await runCatalogConformance(t, {
 *   factory: () => createMyCatalog({ file: freshFile() }),
 *   reopen: async (catalog) => { await catalog.close(); return createMyCatalog({ file: fileOf(catalog) }); },
 * });
 * ```
 */
export async function runCatalogConformance(t: TestHost, options: CatalogConformanceOptions): Promise<void> {
  const families = new Map<string, CatalogConformanceCase[]>();
  for (const testCase of CATALOG_CONFORMANCE_CASES) {
    const family = catalogFamilyOf(testCase);
    families.set(family, [...(families.get(family) ?? []), testCase]);
  }
  for (const [family, cases] of families) {
    await t.test(family, {}, async (group) => {
      for (const testCase of cases) {
        const reason = catalogSkipReasonOf(testCase, options) ?? (testCase.needsReopen === true && options.reopen === undefined ? NO_REOPEN_REASON : undefined);
        await group.test(`${testCase.title} [${testCase.id}]`, reason === undefined ? {} : { skip: reason }, async () => {
          await runCatalogCase(testCase, options);
        });
      }
    });
  }
}

/**
 * Runs the catalog suite without a test framework and reports every case's result, in suite
 * order: for runners other than tap, and for checking that the suite catches a broken catalog.
 * A result's `name` is the case's title.
 */
export async function runCatalogConformanceCases(
  options: CatalogConformanceOptions,
  cases: readonly CatalogConformanceCase[] = CATALOG_CONFORMANCE_CASES,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const testCase of cases) {
    const { id, title: name } = testCase;
    const reason = catalogSkipReasonOf(testCase, options);
    if (reason !== undefined) {
      results.push({ id, name, status: 'skipped', reason });
      continue;
    }
    try {
      results.push({ id, name, status: await runCatalogCase(testCase, options) });
    } catch (error) {
      results.push({ id, name, status: 'failed', error });
    }
  }
  return results;
}
