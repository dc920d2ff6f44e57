import type { Catalog } from '@stowage/core';

/** What a catalog conformance case receives. */
export interface CatalogCaseContext {
  /** The catalog under test: a fresh, empty one from the factory, or the one {@link reopen} returned last. */
  readonly catalog: Catalog;
  /**
   * Closes the catalog and opens the same store again with `options.reopen`, returning the new
   * catalog (also `context.catalog` from then on). Only cases with `needsReopen` call it.
   */
  reopen(): Promise<Catalog>;
}

/** One behaviour of the `Catalog` contract, checked by `run` throwing on a violation. */
export interface CatalogConformanceCase {
  /** `family/slug`, stable, used in `skip` lists. */
  readonly id: string;
  /** The behaviour as a sentence; the test name. */
  readonly title: string;
  /** The case checks durability across a reopen and applies only when `options.reopen` is given. */
  readonly needsReopen?: boolean;
  /** Checks the behaviour; throws (an `AssertionError` or the unexpected error) on a violation. */
  run(context: CatalogCaseContext): Promise<void>;
}

/** Options of `runCatalogConformance` and `runCatalogConformanceCases`. */
export interface CatalogConformanceOptions {
  /** Makes a fresh, empty catalog; called once per case. */
  readonly factory: () => Catalog | Promise<Catalog>;
  /** Called after each case, after `close`, with the last catalog of the case (after any reopen). */
  readonly teardown?: (catalog: Catalog) => void | Promise<void>;
  /**
   * For persistent catalogs: closes `catalog` (when not closed yet; `close` is idempotent) and
   * opens the same store again. Without it, the durability cases are reported as skipped.
   */
  readonly reopen?: (catalog: Catalog) => Promise<Catalog>;
  /** Cases not to run, by id (`keys/unicode`) or family (`keys`), each with the reason, which is printed. */
  readonly skip?: Readonly<Record<string, string>>;
  /** A case (factory, run, close and teardown together) running longer than this fails. @defaultValue 120000 */
  readonly caseTimeoutMs?: number;
}
