import yauzl from 'yauzl';

/** One member of a zip as yauzl reads it from the central directory. */
export interface ZipMember {
  readonly name: string;
  readonly directory: boolean;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** The Unix mode from the external attributes. */
  readonly mode: number;
  /** The member's bytes (empty for directories). */
  readonly bytes: Buffer;
}

/**
 * Every member of `zip` in central-directory order, read with yauzl (`lazyEntries`,
 * `strictFileNames`, `validateEntrySizes`), so a malformed archive, a bad CRC or a name yauzl
 * refuses fails the test.
 */
export function zipMembers(zip: Buffer): Promise<ZipMember[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true, decodeStrings: true }, (error, file) => {
      if (error !== null) {
        reject(error);
        return;
      }
      const members: ZipMember[] = [];
      file.on('error', reject);
      file.on('end', () => resolve(members));
      file.on('entry', (entry: yauzl.Entry) => {
        const base = { name: entry.fileName, method: entry.compressionMethod, mode: (entry.externalFileAttributes >>> 16) & 0o177777 };
        if (entry.fileName.endsWith('/')) {
          members.push({ ...base, directory: true, bytes: Buffer.alloc(0) });
          file.readEntry();
          return;
        }
        file.openReadStream(entry, (openError, stream) => {
          if (openError !== null) {
            reject(openError);
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            members.push({ ...base, directory: false, bytes: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

/** The member names of `zip`, in archive order. */
export async function zipNames(zip: Buffer): Promise<string[]> {
  return (await zipMembers(zip)).map((member) => member.name);
}
