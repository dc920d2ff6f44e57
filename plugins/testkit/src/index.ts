export type { BackendConformanceOptions, CaseContext, ConformanceCase } from './case.js';
export { BACKEND_CONFORMANCE_CASES, familyOf } from './cases.js';
export { runBackendConformance, type TestHost } from './run-backend-conformance.js';
export { DEFAULT_LARGE_BYTES, openFileDescriptors, runCase, skipReasonOf, type CaseOutcome } from './run-case.js';
export { runConformanceCases, type CaseResult } from './run-conformance-cases.js';
export {
  assertContent,
  assertMissing,
  bytesOf,
  closed,
  collect,
  expectCode,
  listing,
  patternBytes,
  readAll,
  readFile,
  sha256,
  unevenChunks,
  within,
  withoutLeaks,
  writeFile,
} from './support.js';
export {
  assertDeepFrozen,
  assertRefs,
  assertRefsInvariant,
  CATALOG_CONFORMANCE_CASES,
  catalogFamilyOf,
  catalogSkipReasonOf,
  candidateOf,
  HOSTILE_FILENAMES,
  longIdOf,
  newEntry,
  NO_REOPEN_REASON,
  presentBlob,
  runCatalogCase,
  runCatalogConformance,
  runCatalogConformanceCases,
  sha1Of,
  shaOf,
  UNICODE_FILENAMES,
  type CatalogCaseContext,
  type CatalogCaseOutcome,
  type CatalogConformanceCase,
  type CatalogConformanceOptions,
} from './catalog/index.js';
export { CONTRACT_TOKENS, HTTP_CONTRACT_CASES, rawRequest, runHttpContract, type HttpContractOptions, type HttpSubject, type RawResponse } from './http/index.js';
