import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The salt of long ids, kept in `<directory>/salt` (mode 0600) so ids stay verifiable across
 * restarts: read when the file exists, else 32 random bytes written with `wx`.
 *
 * Errors: the file system's (a salt file that cannot be read or created).
 */
export async function saltOf(directory: string): Promise<string> {
  const file = join(directory, 'salt');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const salt = randomBytes(32).toString('hex');
    await writeFile(file, `${salt}\n`, { mode: 0o600, flag: 'wx' });
    return salt;
  }
}
