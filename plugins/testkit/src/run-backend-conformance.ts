import type { BackendConformanceOptions } from './case.js';
import { BACKEND_CONFORMANCE_CASES, familyOf } from './cases.js';
import { runCase, skipReasonOf } from './run-case.js';

/**
 * The part of a test framework the suite needs: tap's `t` fits as it is. A subtest fails when
 * its callback rejects, and is reported skipped when `options.skip` is a reason.
 */
export interface TestHost {
  test(name: string, options: { skip?: string }, callback: (t: TestHost) => Promise<void>): unknown;
}

/**
 * Registers the backend conformance suite as subtests of `t`: one subtest per family, one per
 * case, each against a fresh backend from `options.factory`. Cases that the backend's
 * capabilities exclude (copy without `capabilities.copy`, atomicity cases on a non-atomic
 * backend) are not registered; cases listed in `options.skip` are reported as skipped with
 * their reason.
 *
 * @example
 * ```ts
 * import t from 'tap';
 * import { runBackendConformance } from '@stowage/testkit';
 * await runBackendConformance(t, { factory: () => createMyBackend({ ... }) });
 * ```
 */
export async function runBackendConformance(t: TestHost, options: BackendConformanceOptions): Promise<void> {
  const families = new Map<string, typeof BACKEND_CONFORMANCE_CASES[number][]>();
  for (const testCase of BACKEND_CONFORMANCE_CASES) {
    const family = familyOf(testCase);
    families.set(family, [...(families.get(family) ?? []), testCase]);
  }
  const probe = await options.factory();
  const capabilities = probe.capabilities;
  await probe.close?.();
  await options.teardown?.(probe);
  for (const [family, cases] of families) {
    const applicable = cases.filter((testCase) => testCase.appliesTo?.(capabilities) ?? true);
    if (applicable.length === 0) continue;
    await t.test(family, {}, async (group) => {
      for (const testCase of applicable) {
        const reason = skipReasonOf(testCase, options);
        await group.test(`${testCase.name} [${testCase.id}]`, reason === undefined ? {} : { skip: reason }, async () => {
          await runCase(testCase, options);
        });
      }
    });
  }
}
