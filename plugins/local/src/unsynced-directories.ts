import { dirname } from 'node:path';

/**
 * The directories a backend created whose entries in their parents are not known to be durable
 * yet: created, but no `fsync` of the parent has succeeded since.
 *
 * A write into a new `blobs/ab/cd` syncs `blobs` and `blobs/ab` after its rename. A second write
 * that finds `blobs/ab` already there (created a moment ago by the first, whose sync of `blobs`
 * is still running or failed) must not acknowledge before `blobs/ab` is durable either, or a
 * power loss could take its file with the folder. So every write asks {@link holdersOf} for its
 * directory and syncs those holders too; the sync that succeeds calls {@link settle}.
 *
 * In-process and per backend: another process (or another backend on the same root) creating a
 * folder at the same moment is not seen, so that window remains across processes.
 */
export class UnsyncedDirectories {
  readonly #root: string;
  readonly #pending = new Set<string>();

  /** @param root the backend's root: the walk up from a directory stops there. */
  constructor(root: string) {
    this.#root = root;
  }

  /** Records directories just created (their parents are not synced yet). */
  add(created: readonly string[]): void {
    for (const directory of created) this.#pending.add(directory);
  }

  /** Forgets directories removed again (a failed operation rolled them back). */
  forget(removed: readonly string[]): void {
    for (const directory of removed) this.#pending.delete(directory);
  }

  /** The pending directories among `directory` and its ancestors below the root. */
  #pendingAbove(directory: string): string[] {
    if (this.#pending.size === 0) return [];
    const pending: string[] = [];
    for (let current = directory; current.length > this.#root.length && current.startsWith(this.#root); current = dirname(current)) {
      if (this.#pending.has(current)) pending.push(current);
    }
    return pending;
  }

  /**
   * What to sync before an entry in each of `directories` is durable: the parents (`holders`)
   * of the pending directories among them and their ancestors (`covered`, to {@link settle}
   * once the holders are synced).
   */
  holdersOf(directories: readonly string[]): { readonly holders: string[]; readonly covered: string[] } {
    const covered = directories.flatMap((directory) => this.#pendingAbove(directory));
    return { holders: covered.map((directory) => dirname(directory)), covered };
  }

  /** Marks `directories` durable: a sync of each one's parent has succeeded. */
  settle(directories: readonly string[]): void {
    for (const directory of directories) this.#pending.delete(directory);
  }
}
