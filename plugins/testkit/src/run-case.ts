import { setTimeout as delay } from 'node:timers/promises';
import type { BackendConformanceOptions, CaseContext, ConformanceCase } from './case.js';
import { familyOf } from './cases.js';

/** The default size of the large-file cases. */
export const DEFAULT_LARGE_BYTES = 8 * 1024 * 1024;

/** Why a case is skipped by the options, or `undefined`. */
export function skipReasonOf(testCase: ConformanceCase, options: BackendConformanceOptions): string | undefined {
  const skip = options.skip ?? {};
  return skip[testCase.id] ?? skip[familyOf(testCase)];
}

/** The outcome of {@link runCase}. */
export type CaseOutcome = 'passed' | 'not-applicable';

/**
 * Runs one case against a fresh backend from the factory, then closes and tears the backend
 * down whatever happened. Resolves `not-applicable` when the backend's capabilities exclude the
 * case; rejects with the violation when the case fails or overruns `caseTimeoutMs`.
 */
export async function runCase(testCase: ConformanceCase, options: BackendConformanceOptions): Promise<CaseOutcome> {
  const backend = await options.factory();
  try {
    if (testCase.appliesTo !== undefined && !testCase.appliesTo(backend.capabilities)) return 'not-applicable';
    const settleMs = options.settleMs ?? 0;
    const context: CaseContext = {
      backend,
      largeBytes: options.largeBytes ?? DEFAULT_LARGE_BYTES,
      settle: () => (settleMs > 0 ? delay(settleMs) : Promise.resolve()),
      openResources: async () => (options.openResources === undefined ? undefined : options.openResources()),
    };
    const timeoutMs = options.caseTimeoutMs ?? 120_000;
    const timer = new AbortController();
    const overrun = delay(timeoutMs, undefined, { signal: timer.signal }).then(() => {
      throw new Error(`${testCase.id} did not finish within ${timeoutMs} ms`);
    });
    overrun.catch(() => undefined);
    try {
      await Promise.race([testCase.run(context), overrun]);
    } finally {
      timer.abort();
    }
    return 'passed';
  } finally {
    await backend.close?.();
    await options.teardown?.(backend);
  }
}
