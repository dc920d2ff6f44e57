import type { CatalogConformanceCase } from './catalog-case.js';
import { argumentCases } from './families/arguments.js';
import { blobCases } from './families/blobs.js';
import { concurrencyCases } from './families/concurrency.js';
import { entryCases } from './families/entries.js';
import { invariantCases } from './families/invariants.js';
import { keyCases } from './families/keys.js';
import { lifecycleCases } from './families/lifecycle.js';
import { scanCases } from './families/scans.js';
import { snapshotCases } from './families/snapshots.js';

/** Every case of the catalog conformance suite, family by family. */
export const CATALOG_CONFORMANCE_CASES: readonly CatalogConformanceCase[] = Object.freeze([
  ...blobCases,
  ...entryCases,
  ...keyCases,
  ...snapshotCases,
  ...scanCases,
  ...concurrencyCases,
  ...invariantCases,
  ...lifecycleCases,
  ...argumentCases,
]);

/** The family of a case: the part of its id before the `/`. */
export function catalogFamilyOf(testCase: CatalogConformanceCase): string {
  return testCase.id.slice(0, testCase.id.indexOf('/'));
}
