export type { CatalogCaseContext, CatalogConformanceCase, CatalogConformanceOptions } from './catalog-case.js';
export { CATALOG_CONFORMANCE_CASES, catalogFamilyOf } from './cases.js';
export { HOSTILE_FILENAMES, UNICODE_FILENAMES } from './families/keys.js';
export {
  assertDeepFrozen,
  assertRefs,
  assertRefsInvariant,
  candidateOf,
  longIdOf,
  newEntry,
  presentBlob,
  sha1Of,
  shaOf,
} from './fixtures.js';
export { catalogSkipReasonOf, NO_REOPEN_REASON, runCatalogCase, type CatalogCaseOutcome } from './run-catalog-case.js';
export { runCatalogConformance, runCatalogConformanceCases } from './run-catalog-conformance.js';
