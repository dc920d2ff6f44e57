import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { assertJsonError, CONTRACT_LIMITS, eventually, header, target, type HttpContractCase } from '../contract-fixture.js';
import { rawRequest } from '../raw-request.js';
import { openResponse } from '../socket-client.js';

/** Reads a response to its end or break; `true` when it ended cleanly with every byte. */
function completes(response: IncomingMessage): Promise<{ complete: boolean; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    response.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    response.on('error', () => undefined);
    response.once('close', () => resolve({ complete: response.complete, bytes }));
  });
}

/** RELIABILITY.md 3.1: storage faults and hostile clients during a download. */
export const FAULT_CASES: readonly HttpContractCase[] = Object.freeze([
  {
    name: 'D26: an entry whose bytes are gone is a 5xx JSON error, never a 200',
    async run({ subject, put, catalog, backend }) {
      const key = await put('vanished.txt', 'these bytes will go', 'public');
      const entry = await catalog.getEntry(key);
      assert.ok(entry !== undefined);
      await backend.delete(entry.path);
      for (const method of ['GET', 'HEAD']) {
        const response = await rawRequest(subject.url, target(key), { method });
        assert.ok(response.status >= 500, `${method} answered ${response.status}`);
        if (method === 'GET') assertJsonError(response, response.status);
        assert.doesNotMatch(response.body.toString(), /these bytes/);
      }
    },
  },
  {
    name: 'D28: a client that leaves mid-download releases the read',
    async run({ subject, put, backend }) {
      const key = await put('large.bin', Buffer.alloc(4 * 1024 * 1024, 1), 'public');
      const response = await openResponse(subject.url, target(key));
      assert.equal(response.statusCode, 200);
      await new Promise<void>((resolve) => response.once('data', () => resolve()));
      response.destroy();
      await eventually(() => backend.openReads === 0, 'the read stream closing');
      const again = await rawRequest(subject.url, target(key), { headers: { range: 'bytes=0-3' } });
      assert.equal(again.status, 206, 'the server still answers');
    },
  },
  {
    name: 'D29: a backend failure after the headers breaks the response instead of ending it short',
    async run({ subject, put, backend }) {
      const key = await put('breaks.bin', Buffer.alloc(256 * 1024, 2), 'public');
      backend.fault = { failAfter: 1000 };
      const response = await openResponse(subject.url, target(key));
      assert.equal(response.statusCode, 200);
      const outcome = await completes(response);
      assert.equal(outcome.complete, false, 'the client sees a broken body');
      assert.ok(outcome.bytes < 256 * 1024);
      backend.fault = undefined;
      await eventually(() => backend.openReads === 0, 'the failed read closing');
      const again = await rawRequest(subject.url, target(key));
      assert.equal(again.body.length, 256 * 1024);
    },
  },
  {
    name: 'D30: a client that stops reading is cut off after the send idle timeout and the read released',
    async run({ subject, put, backend }) {
      const key = await put('slow reader.bin', Buffer.alloc(24 * 1024 * 1024, 3), 'public');
      const response = await openResponse(subject.url, target(key));
      assert.equal(response.statusCode, 200);
      response.pause(); // never read: buffers fill, the server's writes stop progressing
      // The paused client cannot see the cut yet; the server side shows it: the read is released.
      await eventually(() => backend.openReads === 0, 'the stalled read being released', 600);
      const outcome = completes(response);
      response.resume();
      assert.equal((await outcome).complete, false, 'the body was cut off, not ended cleanly');
    },
  },
  {
    name: 'D31: over the concurrency bound requests are 503 with Retry-After, and capacity comes back',
    // The held responses stall from their first bytes: the contract's 1 s send idle cut-off would
    // free their slots if opening all of them took longer than that on a busy machine.
    handlerLimits: { sendIdleTimeoutMs: 60_000 },
    async run({ subject, put, backend }) {
      // Larger than the small-blob cache takes, so every request streams from the backend.
      const key = await put('held.bin', Buffer.alloc(128 * 1024, 4), 'public');
      backend.fault = { stallAfter: 2 };
      const held: IncomingMessage[] = [];
      try {
        for (let index = 0; index < CONTRACT_LIMITS.handler.maxConcurrentRequests; index += 1) {
          held.push(await openResponse(subject.url, target(key)));
        }
        const refused = await rawRequest(subject.url, target(key));
        assertJsonError(refused, 503, 'STOWAGE_BUSY');
        assert.equal(header(refused, 'retry-after'), String(CONTRACT_LIMITS.handler.retryAfterSeconds));
        const upload = await rawRequest(subject.url, '/media', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-filename': 'a' }, body: Buffer.from('x') });
        assert.equal(upload.status, 503, 'uploads share the bound');
      } finally {
        backend.fault = undefined;
        for (const response of held) response.destroy();
      }
      await eventually(() => backend.openReads === 0, 'the held reads closing');
      await eventually(async () => (await rawRequest(subject.url, target(key))).status === 200, 'capacity coming back');
      const served = await rawRequest(subject.url, target(key));
      assert.equal(served.body.length, 128 * 1024);
    },
  },
]);
