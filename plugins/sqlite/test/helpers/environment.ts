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

/** Whether this process may mount a tmpfs on `directory` (root, with a kernel that allows it). */
export function canMountTmpfs(directory: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', directory], { stdio: 'ignore' });
    execFileSync('umount', [directory], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
