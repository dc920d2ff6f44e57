import { spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * What {@link streamedPost} runs: node:http's client POSTing `size` bytes in 64 KiB writes, as an
 * uploading client does, printing the answer's status, or its error code when it got none.
 */
const UPLOADING_CLIENT = `
import { request } from 'node:http';
const [port, path, size, extra] = [Number(process.argv[1]), process.argv[2], Number(process.argv[3]), JSON.parse(process.argv[4])];
const req = request({ host: '127.0.0.1', port, method: 'POST', path, agent: false,
  headers: { 'content-type': 'application/octet-stream', 'x-filename': 'upload.bin', 'content-length': size, ...extra } });
req.on('response', (res) => { res.resume(); res.on('end', () => console.log(res.statusCode)); });
req.on('error', (error) => console.log(error.code ?? 'error'));
const chunk = Buffer.alloc(64 * 1024, 7);
let written = 0;
const pump = () => {
  while (written < size) {
    written += chunk.length;
    if (!req.write(chunk)) { req.once('drain', pump); return; }
  }
  req.end();
};
pump();
`;

/**
 * POSTs `size` bytes to `path` (with `headers` added) from a separate client process (in one process, the client's event loop
 * would always read the answer before it noticed a reset) and resolves what it printed.
 */
export async function streamedPost(port: number, path: string, size: number, headers: Record<string, string> = {}): Promise<number | string> {
  const client = spawn(process.execPath, ['--input-type=module', '-e', UPLOADING_CLIENT, String(port), path, String(size), JSON.stringify(headers)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  client.stdout.setEncoding('utf8');
  client.stdout.on('data', (chunk: string) => (output += chunk));
  await once(client, 'close');
  const printed = output.trim();
  return /^\d+$/.test(printed) ? Number(printed) : printed;
}
