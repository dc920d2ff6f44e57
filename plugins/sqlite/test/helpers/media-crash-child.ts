// A child process for the media crash test: performs acknowledged puts, then one operation that
// SIGKILLs the process at a labelled checkpoint. Prints one JSON line per acknowledged operation.
import { createStowage } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '../../src/index.js';

interface ChildInput {
  readonly database: string;
  readonly root: string;
  readonly label: string;
  readonly scenario: 'put' | 'remove' | 'dedupe' | 'folder';
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
let armed = false;
const stowage = createStowage({
  backends: await createLocalBackend({ root: input.root }),
  catalog: createSqliteCatalog({ file: input.database }),
  salt: 'crash-test-salt-0123456789',
  checkpoint: (label) => {
    if (armed && label === input.label) process.kill(process.pid, 'SIGKILL');
  },
});

function acknowledge(record: object): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

const owner = { principal: { name: 'owner' } };
const kept = await stowage.put({ filename: 'kept.txt', source: [Buffer.from('kept bytes')] }, owner);
acknowledge({ put: { id: kept.id, filename: 'kept.txt', text: 'kept bytes' } });
armed = true;
if (input.scenario === 'put') {
  const victim = await stowage.put({ filename: 'victim.txt', source: [Buffer.alloc(256 * 1024, 'v')] }, owner);
  acknowledge({ put: { id: victim.id, filename: 'victim.txt', text: 'v'.repeat(256 * 1024) } });
} else if (input.scenario === 'dedupe') {
  const twin = await stowage.put({ filename: 'twin.txt', source: [Buffer.from('kept bytes')] }, owner);
  acknowledge({ put: { id: twin.id, filename: 'twin.txt', text: 'kept bytes' } });
} else if (input.scenario === 'folder') {
  const files = ['a', 'b', 'c'].map((name) => ({ filename: `${name}.txt`, source: [Buffer.from(`folder ${name}`)] }));
  const folder = await stowage.put(files, owner);
  for (const name of ['a', 'b', 'c']) acknowledge({ put: { id: folder.id, filename: `${name}.txt`, text: `folder ${name}` } });
} else {
  await stowage.remove({ id: kept.id, filename: 'kept.txt' }, owner);
  acknowledge({ removed: { id: kept.id, filename: 'kept.txt' } });
}
await stowage.close();
