import type { Backend, Capabilities } from '@stowage/core';

/** What a conformance case receives: a fresh backend and the suite's settings. */
export interface CaseContext {
  /** A backend from the factory, used by this case only. */
  readonly backend: Backend;
  /** Waits `settleMs`, for stores whose listings lag behind writes. */
  settle(): Promise<void>;
  /** How many bytes the large-file cases move. */
  readonly largeBytes: number;
  /**
   * Counts the process resources the backend may hold (file descriptors, sockets), or
   * `undefined` when the suite was given no probe.
   */
  openResources(): Promise<number | undefined>;
}

/** One behaviour of the backend contract, checked by `run` throwing on a violation. */
export interface ConformanceCase {
  /** `family/slug`, stable, used in `skip` lists. */
  readonly id: string;
  /** The behaviour as a sentence; the test name. */
  readonly name: string;
  /** When the case applies only to some backends: whether it applies to these capabilities. */
  readonly appliesTo?: (capabilities: Capabilities) => boolean;
  /** Checks the behaviour; throws (an `AssertionError` or the unexpected error) on a violation. */
  run(context: CaseContext): Promise<void>;
}

/** Options of `runBackendConformance` and `runConformanceCases`. */
export interface BackendConformanceOptions {
  /** Makes a fresh, empty backend; called once per case. */
  readonly factory: () => Backend | Promise<Backend>;
  /** Called after each case, after `close` (when the backend has it). */
  readonly teardown?: (backend: Backend) => void | Promise<void>;
  /**
   * Cases not to run, by id (`range/suffix`) or by family (`range`), each with the reason,
   * which is printed.
   */
  readonly skip?: Readonly<Record<string, string>>;
  /** How long to wait between a change and a listing or stat that must see it. @defaultValue 0 */
  readonly settleMs?: number;
  /** The size of the large-file cases. @defaultValue 8 MiB */
  readonly largeBytes?: number;
  /**
   * Counts the open process resources the backend may hold; the abort and error cases check
   * it returns to its level. The default counts file descriptors (`/proc/self/fd`, Linux);
   * `false` turns the checks off, for backends that legitimately keep pooled connections.
   */
  readonly openResources?: (() => number | Promise<number>) | false;
  /** A case (factory, run, close and teardown together) running longer than this fails. @defaultValue 120000 */
  readonly caseTimeoutMs?: number;
}
