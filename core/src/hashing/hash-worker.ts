/**
 * The hash worker's entry point, started by `HashWorkerPool` with
 * `new URL('./hash-worker.js', import.meta.url)`. It holds one {@link UploadHashState} per lease
 * and answers requests in the order they arrive.
 *
 * The pool enforces the call order before posting, so a message out of order here is a bug: it
 * throws, the worker exits, and the pool fails every request pending on it with
 * `STOWAGE_INTERNAL`.
 *
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';
import { UploadHashState } from './upload-hash-state.js';
import type { FromHashWorker, ToHashWorker } from './worker-protocol.js';

if (parentPort === null) throw new Error('hash-worker.js must run in a worker thread');
const port = parentPort;
const states = new Map<number, UploadHashState>();

function stateOf(lease: number): UploadHashState {
  const state = states.get(lease);
  if (state === undefined) throw new Error(`unknown hash lease ${lease}`);
  return state;
}

function reply(message: FromHashWorker): void {
  port.postMessage(message);
}

port.on('message', (message: ToHashWorker) => {
  switch (message.kind) {
    case 'open':
      states.set(message.lease, new UploadHashState(message.uploadedAt));
      break;
    case 'begin':
      stateOf(message.lease).beginFile(message.plannedPath);
      break;
    case 'data': {
      const { chunk } = message;
      stateOf(message.lease).update(chunk);
      const buffer = chunk.buffer as ArrayBuffer;
      port.postMessage({ kind: 'ack', lease: message.lease, bytes: chunk.byteLength, buffer } satisfies FromHashWorker, [buffer]);
      break;
    }
    case 'end':
      reply({ kind: 'digests', request: message.request, digests: stateOf(message.lease).endFile() });
      break;
    case 'finish':
      reply({ kind: 'longId', request: message.request, longId: stateOf(message.lease).finish(message.author, message.salt) });
      break;
    case 'drop':
      states.delete(message.lease);
      break;
  }
});
