// The machine's limits, measured in a child process the same way in every repeat:
//
//   node limits.mjs '{"mode":"sha256","bytes":N}'                 one core hashing 1 MiB chunks
//   node limits.mjs '{"mode":"fsync-write","bytes":N,"dir":D}'     sequential 1 MiB writes + fsync
//   node limits.mjs '{"mode":"loopback","seconds":S}'              node:net over 127.0.0.1, two processes
//
// Prints `{"mbPerSecond":…}` (MB = 10^6 bytes). The loopback sink is this script again, as a child.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { open, unlink } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const job = JSON.parse(process.argv[2]);
const MiB = 1024 * 1024;
const report = (result) => process.stdout.write(`${JSON.stringify(result)}\n`);

if (job.mode === 'sha256') {
  const chunk = randomBytes(MiB);
  const start = performance.now();
  const hash = createHash('sha256');
  for (let done = 0; done < job.bytes; done += MiB) hash.update(chunk);
  hash.digest();
  report({ mbPerSecond: job.bytes / 1e6 / ((performance.now() - start) / 1000) });
} else if (job.mode === 'fsync-write') {
  const chunk = randomBytes(MiB);
  const file = join(job.dir, `limit-${process.pid}-${Date.now()}.bin`);
  const handle = await open(file, 'wx');
  const start = performance.now();
  for (let position = 0; position < job.bytes; position += MiB) await handle.write(chunk, 0, MiB, position);
  await handle.sync();
  const seconds = (performance.now() - start) / 1000;
  await handle.close();
  await unlink(file);
  report({ mbPerSecond: job.bytes / 1e6 / seconds });
} else if (job.mode === 'sink') {
  const server = createServer((socket) => {
    let received = 0;
    socket.on('data', (data) => {
      received += data.byteLength;
    });
    socket.once('end', () => socket.end(String(received)));
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
  process.once('SIGTERM', () => process.exit(0));
} else if (job.mode === 'loopback') {
  const sink = spawn(process.execPath, [fileURLToPath(import.meta.url), '{"mode":"sink"}'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [portLine] = await once(sink.stdout.setEncoding('utf8'), 'data');
  const socket = connect(Number(portLine.trim()), '127.0.0.1');
  await once(socket, 'connect');
  const chunk = randomBytes(MiB);
  const start = performance.now();
  const until = start + job.seconds * 1000;
  while (performance.now() < until) {
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
  socket.end();
  let answer = '';
  socket.setEncoding('utf8').on('data', (text) => {
    answer += text;
  });
  await once(socket, 'end');
  const seconds = (performance.now() - start) / 1000;
  sink.kill('SIGTERM');
  report({ mbPerSecond: Number(answer) / 1e6 / seconds });
} else {
  throw new Error(`unknown mode ${job.mode}`);
}
