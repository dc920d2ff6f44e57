import { execFile } from 'node:child_process';
import { SMBCLIENT, type SambaServer } from './samba.js';

/** What one smbclient run printed. */
export interface SmbclientResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs smbclient, the independent oracle, against the test server with `commands` fed on its
 * standard input one per line (so `;` in names is not a command separator, as it is with `-c`).
 * Names go in double quotes; remote paths use `/`.
 */
export function smbclient(server: SambaServer, commands: readonly string[]): Promise<SmbclientResult> {
  return new Promise((resolve) => {
    const child = execFile(
      SMBCLIENT,
      [`//${server.host}/${server.share}`, '-p', String(server.port), '-U', `${server.username}%${server.password}`, '-m', 'SMB3'],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(`${commands.join('\n')}\n`);
  });
}

function failed(result: SmbclientResult): boolean {
  return result.code !== 0 || /NT_STATUS_\w+/.test(result.stdout + result.stderr);
}

/** The first `NT_STATUS_*` smbclient reported, or `undefined`. */
export function statusIn(result: SmbclientResult): string | undefined {
  return /NT_STATUS_\w+/.exec(result.stdout + result.stderr)?.[0];
}

/** Downloads each share path `remote` to its local file `local`, in one smbclient session. */
export async function smbGet(server: SambaServer, files: readonly (readonly [remote: string, local: string])[]): Promise<void> {
  const result = await smbclient(server, files.map(([remote, local]) => `get "${remote}" "${local}"`));
  if (failed(result)) throw new Error(`smbclient get: ${statusIn(result) ?? result.stderr}`);
}

/** Uploads each local file `local` to its share path `remote` (folders must exist), in one smbclient session. */
export async function smbPut(server: SambaServer, files: readonly (readonly [local: string, remote: string])[]): Promise<void> {
  const result = await smbclient(server, files.map(([local, remote]) => `put "${local}" "${remote}"`));
  if (failed(result)) throw new Error(`smbclient put: ${statusIn(result) ?? result.stderr}`);
}

/** Creates the share folder `remote`. */
export async function smbMkdir(server: SambaServer, remote: string): Promise<void> {
  const result = await smbclient(server, [`mkdir "${remote}"`]);
  if (failed(result)) throw new Error(`smbclient mkdir ${remote}: ${statusIn(result) ?? result.stderr}`);
}

/** The names smbclient lists in the share folder `remote` (without `.` and `..`). */
export async function smbList(server: SambaServer, remote: string): Promise<string[]> {
  const result = await smbclient(server, [`cd "${remote}"`, 'ls']);
  if (failed(result)) throw new Error(`smbclient ls ${remote}: ${statusIn(result) ?? result.stderr}`);
  const names: string[] = [];
  for (const line of result.stdout.split('\n')) {
    // "  name                                A     1234  Mon Nov 30 03:01:00 2026"
    const match = /^ {2}(.+?)\s+([ADHSRN]*)\s+(\d+)\s+\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/.exec(line);
    if (match !== null && match[1] !== '.' && match[1] !== '..') names.push(match[1]!);
  }
  return names;
}
