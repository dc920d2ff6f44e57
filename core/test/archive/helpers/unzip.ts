import { extract, type ExtractLimits } from '../../../src/archive/index.js';
import { createMemoryBackend } from '../../../src/memory-backend.js';
import { collect } from './extract-fixture.js';

/** The files (path → bytes) and directories of a zip, extracted through staging with every check on. */
export async function unzip(zip: Buffer, limits: Partial<ExtractLimits> = {}): Promise<{ files: Map<string, Buffer>; directories: readonly string[] }> {
  return extract({ buffer: zip }, {
    limits,
    staging: { backend: createMemoryBackend({ name: 'unzip' }) },
    commit: async (staged, directories) => {
      const files = new Map<string, Buffer>();
      for (const file of staged) files.set(file.path, await collect(await file.open()));
      return { files, directories };
    },
  });
}
