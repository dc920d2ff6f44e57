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
