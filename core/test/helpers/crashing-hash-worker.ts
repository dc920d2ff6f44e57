/**
 * A hash worker that dies on its first message, standing in for a worker that crashes (an
 * out-of-memory kill, a bug): the pool must fail what is pending on it and start a fresh one.
 */
import { parentPort } from 'node:worker_threads';

parentPort?.once('message', () => {
  throw new Error('hash worker crashed on purpose');
});
