import { StowageError } from '../stowage-error.js';

/**
 * One step of an operation, composed onion-style: it may prepare, `await next()` to run the
 * stages after it, then finish, or catch what `next()` throws to undo its own work and rethrow.
 * A stage vetoes the operation by throwing (typically `STOWAGE_REJECTED`) instead of calling
 * `next()`.
 */
export type StageFunction<C> = (context: C, next: () => Promise<void>) => Promise<void>;

/** A stage with the name other stages are positioned against. */
export interface Stage<C> {
  /** Unique within its pipeline: letters, digits and `-`. */
  readonly name: string;
  readonly run: StageFunction<C>;
}

/** Where {@link Pipeline.use} inserts a stage; without a position it goes last. */
export type StagePosition = { readonly before: string } | { readonly after: string };

/** What running past the last stage returns. */
const DONE: Promise<void> = Promise.resolve();

const STAGE_NAME = /^[a-z][a-z0-9-]{0,63}$/i;

/**
 * A named, ordered list of stages that runs as one operation.
 *
 * Behavior:
 * - `run` takes a snapshot of the stages, so changing the pipeline while operations run affects
 *   only later operations.
 * - A stage that calls `next()` twice fails with `STOWAGE_INTERNAL`; a stage that returns
 *   without calling `next()` ends the operation there (the stages after it do not run).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` for a malformed or duplicate stage name, or a position that
 * names an unknown stage.
 */
export class Pipeline<C> {
  readonly #stages: Stage<C>[];
  /** The stages as the next run sees them; rebuilt after a change (runs in flight keep theirs). */
  #snapshot: readonly Stage<C>[] | undefined;

  /** @param operation - the operation's name, for messages. */
  constructor(
    readonly operation: string,
    stages: readonly Stage<C>[] = [],
  ) {
    this.#stages = [];
    for (const stage of stages) this.use(stage);
  }

  /** The stage names in running order. */
  names(): readonly string[] {
    return this.#stages.map((stage) => stage.name);
  }

  /** Inserts a stage, last or relative to a named one. Returns the pipeline for chaining. */
  use(stage: Stage<C>, position?: StagePosition): this {
    checkStage(this.operation, stage);
    if (this.#stages.some((existing) => existing.name === stage.name)) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', `the ${this.operation} pipeline already has a stage named "${stage.name}"`);
    }
    this.#snapshot = undefined;
    if (position === undefined) {
      this.#stages.push(stage);
      return this;
    }
    const anchor = 'before' in position ? position.before : position.after;
    const index = this.#indexOf(anchor);
    this.#stages.splice('before' in position ? index : index + 1, 0, stage);
    return this;
  }

  /** Swaps the stage of that name for another (same or new name). */
  replace(name: string, stage: Stage<C>): this {
    checkStage(this.operation, stage);
    const index = this.#indexOf(name);
    if (stage.name !== name && this.#stages.some((existing) => existing.name === stage.name)) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', `the ${this.operation} pipeline already has a stage named "${stage.name}"`);
    }
    this.#stages[index] = stage;
    this.#snapshot = undefined;
    return this;
  }

  /** Removes the stage of that name. */
  remove(name: string): this {
    this.#stages.splice(this.#indexOf(name), 1);
    this.#snapshot = undefined;
    return this;
  }

  /** Runs the stages in order on the context (the promise's value is not part of the contract). */
  run(context: C): Promise<void> {
    const stages = (this.#snapshot ??= Object.freeze([...this.#stages]));
    // Plain functions returning each stage's own promise: no async wrapper per stage and per
    // `next`, which would add promises and microtask hops to every operation (a download runs
    // five or six stages per request).
    const dispatch = (index: number): Promise<void> => {
      const stage = stages[index];
      if (stage === undefined) return DONE;
      let called = false;
      const next = (): Promise<void> => {
        if (called) {
          return Promise.reject(new StowageError('STOWAGE_INTERNAL', `stage "${stage.name}" of ${this.operation} called next() twice`));
        }
        called = true;
        return dispatch(index + 1);
      };
      try {
        return Promise.resolve(stage.run(context, next));
      } catch (error) {
        // A stage written without `async` that throws fails the operation like one that rejects.
        return Promise.reject(error);
      }
    };
    return dispatch(0);
  }

  #indexOf(name: string): number {
    const index = this.#stages.findIndex((stage) => stage.name === name);
    if (index < 0) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', `the ${this.operation} pipeline has no stage named "${name}"`);
    }
    return index;
  }
}

function checkStage<C>(operation: string, stage: Stage<C>): void {
  if (typeof stage !== 'object' || stage === null || typeof stage.run !== 'function') {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `a stage of ${operation} must be an object { name, run }`);
  }
  if (typeof stage.name !== 'string' || !STAGE_NAME.test(stage.name)) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `a stage of ${operation} needs a name of letters, digits and "-"`);
  }
}
