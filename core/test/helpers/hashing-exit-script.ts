/**
 * Run as a child process by the pool tests. Leases the shared pool's worker, disposes one
 * session mid-file, awaits results at top level (the process must stay alive for them), then
 * simply ends: the process must exit by itself, without closing the pool.
 */
import { createHashingSession, sharedHashWorkerPool } from '../../src/hashing/index.js';

const abandoned = createHashingSession('2026-11-30T12:34:56.789Z', { mode: 'worker' });
abandoned.beginFile('disk:a');
abandoned.update(new Uint8Array(3 * 1024 * 1024).fill(7));
abandoned.dispose();

const session = createHashingSession('2026-11-30T12:34:56.789Z', { mode: 'worker' });
session.beginFile('disk:b');
session.update(new TextEncoder().encode('abc'));
const digests = await session.endFile();
const id = await session.finish('alice', 'salt');
process.stdout.write(`${JSON.stringify({ digests, id, leases: sharedHashWorkerPool().leaseCount })}\n`);
