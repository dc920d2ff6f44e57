import t from 'tap';
import { UploadHashState } from '../../src/hashing/upload-hash-state.js';
import { referenceDigests } from '../helpers/hashing.js';

// The session enforces the call order before the state sees a call; the state still refuses
// an impossible order rather than hash garbage (in the worker, that ends the worker).
t.test('the hash state refuses calls out of order', async (t) => {
  const state = new UploadHashState('2026-11-30T12:34:56.789Z');
  t.throws(() => state.update(new Uint8Array(1)), Error);
  t.throws(() => state.endFile(), Error);
  state.beginFile('disk:a');
  state.update(new Uint8Array([1, 2]));
  t.throws(() => state.finish(new Uint8Array(0), new Uint8Array(0)), Error);
  t.same(state.endFile(), referenceDigests(new Uint8Array([1, 2])));
  t.match(state.finish(new Uint8Array(0), new Uint8Array(0)), /^[0-9a-f]{64}$/);
});
