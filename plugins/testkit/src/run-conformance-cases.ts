import type { BackendConformanceOptions, ConformanceCase } from './case.js';
import { BACKEND_CONFORMANCE_CASES } from './cases.js';
import { runCase, skipReasonOf } from './run-case.js';

/** The result of one case in {@link runConformanceCases}. */
export interface CaseResult {
  readonly id: string;
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'not-applicable';
  /** The violation, for a failed case. */
  readonly error?: unknown;
  /** The reason, for a skipped case. */
  readonly reason?: string;
}

/**
 * Runs the suite without a test framework and reports every case's result, in suite order:
 * for runners other than tap, and for checking that the suite catches a broken backend.
 */
export async function runConformanceCases(
  options: BackendConformanceOptions,
  cases: readonly ConformanceCase[] = BACKEND_CONFORMANCE_CASES,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const testCase of cases) {
    const { id, name } = testCase;
    const reason = skipReasonOf(testCase, options);
    if (reason !== undefined) {
      results.push({ id, name, status: 'skipped', reason });
      continue;
    }
    try {
      results.push({ id, name, status: await runCase(testCase, options) });
    } catch (error) {
      results.push({ id, name, status: 'failed', error });
    }
  }
  return results;
}
