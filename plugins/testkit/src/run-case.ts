import { existsSync, readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Backend } from '@stowage/core';
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

/** Counts this process's open file descriptors where Linux exposes them, else `undefined`. */
export function openFileDescriptors(): number | undefined {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined;
}

function probeOf(options: BackendConformanceOptions): () => Promise<number | undefined> {
  const probe = options.openResources;
  if (probe === false) return async () => undefined;
  if (probe === undefined) return async () => openFileDescriptors();
  return async () => probe();
}

/**
 * Runs `body` and fails with the first promise rejection or exception nobody handled while it
 * ran: a backend that fires off a failing cleanup must fail its case, not crash the run.
 */
async function catchingStrays(body: () => Promise<void>): Promise<void> {
  let stray: unknown;
  let sawStray = false;
  const onStray = (error: unknown): void => {
    if (!sawStray) stray = error;
    sawStray = true;
  };
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  try {
    await body();
    // Let rejections from the case's last turns surface before deciding.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
  }
  if (sawStray) throw stray instanceof Error ? stray : new Error(`Unhandled rejection: ${String(stray)}`);
}

/**
 * Runs one case against a fresh backend from the factory, then closes and tears the backend
 * down whatever happened. Resolves `not-applicable` when the backend's capabilities exclude the
 * case; rejects with the violation when the case fails, leaves an unhandled rejection behind,
 * or, factory, case, close and teardown together, overruns `caseTimeoutMs`.
 */
export async function runCase(testCase: ConformanceCase, options: BackendConformanceOptions): Promise<CaseOutcome> {
  const timeoutMs = options.caseTimeoutMs ?? 120_000;
  const timer = new AbortController();
  const overrun = delay(timeoutMs, undefined, { signal: timer.signal }).then(() => {
    throw new Error(`${testCase.id} did not finish within ${timeoutMs} ms (close and teardown included)`);
  });
  overrun.catch(() => undefined);
  let outcome: CaseOutcome = 'passed';
  const body = async (): Promise<void> => {
    const backend: Backend = await options.factory();
    try {
      if (testCase.appliesTo !== undefined && !testCase.appliesTo(backend.capabilities)) {
        outcome = 'not-applicable';
        return;
      }
      const settleMs = options.settleMs ?? 0;
      const context: CaseContext = {
        backend,
        largeBytes: options.largeBytes ?? DEFAULT_LARGE_BYTES,
        settle: () => (settleMs > 0 ? delay(settleMs) : Promise.resolve()),
        openResources: probeOf(options),
      };
      await testCase.run(context);
    } finally {
      await backend.close?.();
      await options.teardown?.(backend);
    }
  };
  try {
    await Promise.race([catchingStrays(body), overrun]);
  } finally {
    timer.abort();
  }
  return outcome;
}
