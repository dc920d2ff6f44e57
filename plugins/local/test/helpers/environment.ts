import { execFileSync } from 'node:child_process';

/**
 * Whether a test that needs a system facility must run: in CI (`CI=true`) it must, and a missing
 * facility fails the test loudly; on a developer machine without it, the test is skipped with
 * the returned reason.
 */
export function requirement(available: boolean, what: string): { skip?: string } {
  if (available || process.env['CI'] === 'true') return {};
  return { skip: `${what} is not available on this machine (required when CI=true)` };
}

/** Whether `command --version`-style probing succeeds. */
export function commandWorks(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this process may mount file systems (root, with a kernel that allows tmpfs). */
export function canMountTmpfs(directory: string): boolean {
  if (process.getuid?.() !== 0) return false;
  if (!commandWorks('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', directory])) return false;
  commandWorks('umount', [directory]);
  return true;
}
