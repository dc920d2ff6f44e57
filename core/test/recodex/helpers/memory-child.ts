/**
 * The server of the memory test, run as a child process so its resident memory is its own:
 * the ReCodEx handler over a disk backend in `argv[2]` (temp files in `argv[3]`). It reports its
 * port, samples its RSS every few milliseconds, and answers two IPC messages: `baseline` (start
 * a measurement from the current RSS) and `report` (`{ baseline, peak }` in bytes since then).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRecodexHandler } from '../../../src/recodex/index.js';
import { DiskBackend } from './disk-backend.js';

const [root, temp] = process.argv.slice(2) as [string, string];
const handler = createRecodexHandler(new DiskBackend(root, temp));
const server = createServer((req, res) => {
  void handler.handle(req, res).then((handled) => {
    if (!handled) res.writeHead(404).end();
  });
});

let baseline = process.memoryUsage().rss;
let peak = baseline;
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 2).unref();

process.on('message', (message: unknown) => {
  if (message === 'baseline') {
    global.gc?.();
    baseline = process.memoryUsage().rss;
    peak = baseline;
    process.send?.({ kind: 'baseline', baseline });
  } else if (message === 'report') {
    peak = Math.max(peak, process.memoryUsage().rss);
    process.send?.({ kind: 'report', baseline, peak });
  } else if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => process.disconnect());
  }
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ kind: 'ready', port: (server.address() as AddressInfo).port });
});
