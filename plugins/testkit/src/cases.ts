import type { ConformanceCase } from './case.js';
import { abortCases } from './families/abort.js';
import { capabilityCases } from './families/capabilities.js';
import { createDirCases } from './families/create-dir.js';
import { deleteCases } from './families/delete.js';
import { errorCases } from './families/errors.js';
import { largeCases } from './families/large.js';
import { listCases } from './families/list.js';
import { pathCases } from './families/paths.js';
import { rangeCases } from './families/range.js';
import { readCases } from './families/read.js';
import { statCases } from './families/stat.js';
import { transferCases } from './families/transfer.js';
import { writeCases } from './families/write.js';

/** Every case of the backend conformance suite, family by family. */
export const BACKEND_CONFORMANCE_CASES: readonly ConformanceCase[] = Object.freeze([
  ...capabilityCases,
  ...pathCases,
  ...writeCases,
  ...readCases,
  ...rangeCases,
  ...statCases,
  ...listCases,
  ...deleteCases,
  ...createDirCases,
  ...transferCases,
  ...errorCases,
  ...largeCases,
  ...abortCases,
]);

/** The family of a case: the part of its id before the `/`. */
export function familyOf(testCase: ConformanceCase): string {
  return testCase.id.slice(0, testCase.id.indexOf('/'));
}
