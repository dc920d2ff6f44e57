// The streaming load client for large bodies and uploads, run as its own process by the harness:
//
//   node stream-client.mjs '<job JSON, or an array of jobs run in order>'  →  one JSON line on stdout
//
// or in process: `runJob(job)` (the harness does this, to spare a process start per measurement).
//
// job: { mode: 'download' | 'upload', url, size, concurrency, count, deadlineMs,
//        protocol?: 'raw' | 'multipart' | 'tus', headers?, verifySha256? }
//
// Bounded in count (at most `count` transfers are started) and in time (at `deadlineMs` the
// transfers in flight are destroyed; the bytes they moved still count towards throughput, their
// latency does not). 127.0.0.1 only. Every upload body is unique (its first 32 bytes carry the
// client's pid, a counter and random bytes), so a content-addressed store cannot deduplicate it
// away; the rest comes from one random 1 MiB buffer, written with backpressure in 1 MiB chunks.
// Download bodies are counted and dropped (hashed only when `verifySha256` is given); they are
// received by `DownloadConnection` (one keep-alive connection per concurrent download, reading
// into a recycled buffer), since node:http's client saturates below the servers under test.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { DownloadConnection } from './download-connection.mjs';
import { percentile } from './stats.mjs';

const CHUNK = 1024 * 1024;
const shared = randomBytes(CHUNK);

/** The body of upload number `n` in 1 MiB parts: unique first bytes, then the shared buffer. */
function bodyParts(size, n) {
  const parts = [];
  for (let offset = 0; offset < size; offset += CHUNK) parts.push(shared.subarray(0, Math.min(CHUNK, size - offset)));
  if (parts.length > 0) {
    const first = Buffer.from(parts[0]);
    const stamp = `${process.pid}:${n}:${randomBytes(8).toString('hex')}`.padEnd(32, '.');
    first.write(stamp.slice(0, Math.min(32, first.length)), 0, 'latin1');
    parts[0] = first;
  }
  return parts;
}

/** Resolves when `req` can take more body (or has closed), leaving no listener behind. */
function drainOrClose(req) {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** Runs one job to its end and resolves its result. */
export async function runJob(job) {
  if (new URL(job.url).hostname !== '127.0.0.1') throw new Error('the stream client only talks to 127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const inFlight = new Set();
  const latencies = [];
  const failures = [];
  let stopped = false;
  let bytes = 0;
  let started = 0;
  let failed = 0;

  const fail = (message) => {
    failed++;
    if (failures.length < 5) failures.push(message);
  };

  /** One upload request; `writeBody(req)` writes the body when given. Resolves `{ status, headers, text }`. */
  const send = (method, url, headers, writeBody) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.once('end', () => {
          inFlight.delete(req);
          resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.once('error', reject);
        res.once('aborted', () => reject(new Error('response aborted')));
      });
      inFlight.add(req);
      req.once('error', (error) => {
        inFlight.delete(req);
        reject(error);
      });
      if (writeBody === undefined) req.end();
      else writeBody(req).then(() => req.end(), reject);
    });

  /** Writes `parts` with backpressure; the parts in `counted` add to the byte total. */
  const writer = (parts, counted) => async (req) => {
    for (const part of parts) {
      if (stopped) throw new Error('deadline');
      if (counted.has(part)) bytes += part.byteLength;
      if (!req.write(part)) await drainOrClose(req);
    }
  };

  const expectCreated = (answer) => {
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.text.slice(0, 200)}`);
  };

  async function uploadOnce(n) {
    const filename = `bench-${process.pid}-${n}.bin`;
    const parts = bodyParts(job.size, n);
    const counted = new Set(parts);
    const headers = { ...(job.headers ?? {}) };
    if (job.protocol === 'raw') {
      const raw = { ...headers, 'content-type': 'application/octet-stream', 'content-length': job.size, 'x-filename': filename };
      expectCreated(await send('POST', job.url, raw, writer(parts, counted)));
    } else if (job.protocol === 'multipart') {
      const boundary = `----bench${randomBytes(12).toString('hex')}`;
      const head = Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const multipart = { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + job.size + tail.length };
      expectCreated(await send('POST', job.url, multipart, writer([head, ...parts, tail], counted)));
    } else if (job.protocol === 'tus') {
      const tus = { ...headers, 'tus-resumable': '1.0.0' };
      const created = await send('POST', job.url, { ...tus, 'upload-length': job.size, 'content-length': 0 });
      if (created.status !== 201 || typeof created.headers.location !== 'string') throw new Error(`creation answered ${created.status}`);
      const location = new URL(created.headers.location, job.url);
      if (location.hostname !== '127.0.0.1') throw new Error('the tus location left 127.0.0.1');
      const patch = { ...tus, 'content-type': 'application/offset+octet-stream', 'upload-offset': 0, 'content-length': job.size };
      const patched = await send('PATCH', location, patch, writer(parts, counted));
      if (patched.status !== 204 || Number(patched.headers['upload-offset']) !== job.size) {
        throw new Error(`PATCH answered ${patched.status}, offset ${patched.headers['upload-offset']}`);
      }
    } else {
      throw new Error(`unknown upload protocol ${job.protocol}`);
    }
  }

  const target = new URL(job.url);
  const connections = new Set();

  async function downloadOnce(connection) {
    const hash = job.verifySha256 === undefined ? undefined : createHash('sha256');
    let received = 0;
    const answer = await connection.get(`${target.pathname}${target.search}`, job.headers ?? {}, (chunk) => {
      received += chunk.byteLength;
      bytes += chunk.byteLength;
      hash?.update(chunk);
    });
    if (answer.status !== 200) throw new Error(`status ${answer.status}`);
    if (received !== job.size) throw new Error(`received ${received} bytes, expected ${job.size}`);
    if (hash !== undefined && hash.digest('hex') !== job.verifySha256) throw new Error('the body does not match the fixture');
  }

  async function worker() {
    const connection = job.mode === 'upload' ? undefined : new DownloadConnection(target);
    if (connection !== undefined) connections.add(connection);
    while (!stopped && started < job.count) {
      const n = started++;
      const begin = performance.now();
      try {
        if (connection === undefined) await uploadOnce(n);
        else await downloadOnce(connection);
        if (!stopped) latencies.push(performance.now() - begin);
      } catch (error) {
        if (!stopped) fail(String(error?.message ?? error));
      }
    }
  }

  const start = performance.now();
  const deadline = setTimeout(() => {
    stopped = true;
    for (const req of inFlight) req.destroy();
    for (const connection of connections) connection.destroy();
  }, job.deadlineMs);
  await Promise.all(Array.from({ length: job.concurrency }, () => worker()));
  const wallMs = Math.min(performance.now() - start, job.deadlineMs);
  clearTimeout(deadline);
  agent.destroy();
  for (const connection of connections) connection.destroy();
  return {
    completed: latencies.length,
    failed,
    failures,
    hitDeadline: stopped,
    bytes,
    completedBytes: latencies.length * job.size,
    wallMs,
    latencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.length === 0 ? null : Math.max(...latencies),
      mean: latencies.length === 0 ? null : latencies.reduce((a, b) => a + b, 0) / latencies.length,
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const input = JSON.parse(process.argv[2]);
  const results = [];
  for (const job of Array.isArray(input) ? input : [input]) results.push(await runJob(job));
  process.stdout.write(`${JSON.stringify(Array.isArray(input) ? results : results[0])}\n`);
}
