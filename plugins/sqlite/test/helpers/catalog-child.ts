// A second process sharing a catalog file with the tests, driven over the IPC channel of
// `fork` (see child.ts): it holds the write lock, or races the parent and its siblings.
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { createSqliteCatalog } from '../../src/index.js';
import { candidateFor, type ChildReply, type ChildRequest } from './child-protocol.js';

function send(reply: ChildReply): void {
  process.send?.(reply);
}

function nextRequest(): Promise<ChildRequest> {
  return new Promise((resolve) => process.once('message', (message) => resolve(message as ChildRequest)));
}

const request = await nextRequest();
if (request.op === 'hold') {
  // Takes the write lock exactly as a catalog's write transaction does, and keeps it.
  const db = new Database(request.file);
  db.exec('BEGIN IMMEDIATE');
  send({ op: 'holding' });
  await nextRequest();
  db.exec('ROLLBACK');
  db.close();
  send({ op: 'released' });
} else if (request.op === 'claim') {
  const catalog = createSqliteCatalog({ file: request.file, busyTimeoutMs: 60_000 });
  send({ op: 'ready' });
  await nextRequest();
  const kinds: string[] = [];
  for (const label of request.labels) {
    kinds.push((await catalog.claimBlob(candidateFor(label), new Date())).kind);
    // Leave the lock free for a moment, so that the other processes get their turns.
    await sleep(1);
  }
  await catalog.close();
  send({ op: 'claimed', kinds });
}
process.disconnect();
