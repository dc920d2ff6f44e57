import { setTimeout as delay } from 'node:timers/promises';
import type { Catalog } from '@stowage/core';
import type { CatalogCaseContext, CatalogConformanceCase, CatalogConformanceOptions } from './catalog-case.js';
import { catalogFamilyOf } from './cases.js';

/** The outcome of {@link runCatalogCase}. */
export type CatalogCaseOutcome = 'passed' | 'not-applicable';

/** Why a case is not run: skipped by the options (by id or family), or `undefined`. */
export function catalogSkipReasonOf(testCase: CatalogConformanceCase, options: CatalogConformanceOptions): string | undefined {
  const skip = options.skip ?? {};
  return skip[testCase.id] ?? skip[catalogFamilyOf(testCase)];
}

/** The reason a durability case does not apply, printed as its skip reason. */
export const NO_REOPEN_REASON = 'the catalog is not persistent (no reopen option)';

/** Runs `body`, failing with the first promise rejection or exception nobody handled meanwhile. */
async function catchingStrays(body: () => Promise<void>): Promise<void> {
  let stray: { error: unknown } | undefined;
  const onStray = (error: unknown): void => {
    stray ??= { error };
  };
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
  }
  if (stray !== undefined) throw stray.error instanceof Error ? stray.error : new Error(`Unhandled rejection: ${String(stray.error)}`);
}

/**
 * Runs one case against a fresh catalog from the factory, then closes the case's last catalog
 * (after any reopen) and tears it down, whatever happened. Resolves `not-applicable` for a
 * durability case without `options.reopen` (no catalog is made); rejects with the violation
 * when the case fails, leaves an unhandled rejection behind, or, factory, case, close and
 * teardown together, overruns `caseTimeoutMs`.
 */
export async function runCatalogCase(testCase: CatalogConformanceCase, options: CatalogConformanceOptions): Promise<CatalogCaseOutcome> {
  const reopen = options.reopen;
  if (testCase.needsReopen === true && reopen === undefined) return 'not-applicable';
  const timeoutMs = options.caseTimeoutMs ?? 120_000;
  const timer = new AbortController();
  const overrun = delay(timeoutMs, undefined, { signal: timer.signal }).then(() => {
    throw new Error(`${testCase.id} did not finish within ${timeoutMs} ms (close and teardown included)`);
  });
  overrun.catch(() => undefined);
  const body = async (): Promise<void> => {
    let current: Catalog = await options.factory();
    const context: CatalogCaseContext = {
      get catalog() {
        return current;
      },
      async reopen() {
        if (reopen === undefined) throw new Error(`${testCase.id} reopens the catalog but is not marked needsReopen`);
        current = await reopen(current);
        return current;
      },
    };
    try {
      await testCase.run(context);
    } finally {
      await current.close();
      await options.teardown?.(current);
    }
  };
  try {
    await Promise.race([catchingStrays(body), overrun]);
  } finally {
    timer.abort();
  }
  return 'passed';
}
