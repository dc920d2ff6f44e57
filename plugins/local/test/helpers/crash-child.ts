/**
 * A child process for the crash tests: overwrites `big.bin` in the local backend at argv[2] and
 * dies by SIGKILL at the crash point argv[3]:
 * - `mid-write`: streams 512 MiB slowly, printing `progress <bytes>` lines, until the parent kills it;
 * - `after-file-sync`, `before-rename`, `after-rename`, `after-dir-sync`: writes 4 MiB and kills
 *   itself at that step of the commit protocol.
 */
import { patternBytes } from '@stowage/testkit';
import { createLocalBackend, nodeFileSystem, type FileHandleLike, type FileSystem } from '../../src/index.js';

const [, , root, point] = process.argv;
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};
const staged = (path: string): boolean => path.includes('/.stowage/staging/');

const crashing: FileSystem = {
  ...nodeFileSystem,
  async open(path, flags, mode): Promise<FileHandleLike> {
    const handle = await nodeFileSystem.open(path, flags, mode);
    return {
      read: handle.read.bind(handle),
      write: handle.write.bind(handle),
      stat: handle.stat.bind(handle),
      chmod: handle.chmod.bind(handle),
      close: handle.close.bind(handle),
      async sync() {
        await handle.sync();
        if (point === 'after-file-sync' && staged(path)) die();
        if (point === 'after-dir-sync' && !staged(path)) die();
      },
    };
  },
  async rename(from, to) {
    if (point === 'before-rename') die();
    await nodeFileSystem.rename(from, to);
    if (point === 'after-rename') die();
  },
};

const backend = await createLocalBackend({ root: root as string, fs: crashing, staleTempAfterMs: 3_600_000 });

async function* slow(): AsyncGenerator<Uint8Array> {
  const chunk = patternBytes(1024 * 1024, 9);
  for (let sent = 0; sent < 512 * 1024 * 1024; sent += chunk.byteLength) {
    if (sent % (8 * 1024 * 1024) === 0) process.stdout.write(`progress ${String(sent)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    yield chunk;
  }
}

if (point === 'mid-write') await backend.write('big.bin', slow());
else await backend.write('big.bin', [patternBytes(4 * 1024 * 1024, 2)]);
process.stdout.write('finished without crashing\n');
