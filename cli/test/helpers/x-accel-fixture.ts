import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { loadServeConfig } from '../../src/config/load-config.js';
import type { ServeConfig } from '../../src/config/serve-config.js';
import { renderNginxServerBlock } from '../../src/nginx/server-block.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { spawnServe, stopServe, type ServeProcess } from './cli-process.js';
import { startNginx, type RunningNginx } from './nginx.js';

/** The bearer tokens of the fixture's two principals. */
export const ALICE = 'alice-token-0123456789abcdef';
export const BOB = 'bob-token-0123456789abcdef01';

/**
 * The stand-in for "the rest of the application" (or a plugin proxying Dropbox or Seafile): it
 * answers every request with a JSON body echoing the raw request URI and, unless the query holds
 * `echo`, with `X-Accel-Redirect` to a real internal blob plus every other `X-Accel-*` header and
 * `X-Sendfile`. nginx must honour none of them outside the download location.
 */
export interface HostileUpstream {
  readonly url: string;
  /** The internal URI it points `X-Accel-Redirect` at. */
  target: string;
  /** How many connections it has accepted so far. */
  connections: number;
}

/** Stowage in x-accel mode behind a real nginx, plus what the X tests compare it with. */
export interface XAccelFixture {
  readonly root: string;
  readonly config: ServeConfig;
  /** `stowage serve --config` (two shards, x-accel), a child process. */
  readonly stowage: ServeProcess;
  /** The same configuration and data with every shard streamed by Node: the reference answers. */
  readonly streamed: RunningServer;
  /** urls[0]: nginx in front of `stowage`; urls[1]: the same block in front of `hostile`; urls[2]: a broken alias (control). */
  readonly nginx: RunningNginx;
  readonly hostile: HostileUpstream;
  /** Uploads through nginx as alice (raw body, `X-Filename`); resolves the entry's URL path. */
  upload(filename: string, bytes: Uint8Array, visibility: 'public' | 'private'): Promise<string>;
}

async function startHostile(t: Test): Promise<HostileUpstream> {
  const hostile = { url: '', target: '/', connections: 0 };
  const server: Server = createServer((request, response) => {
    request.resume();
    const accel = (request.url ?? '').includes('echo') ? {} : {
      'x-accel-redirect': hostile.target,
      'x-accel-limit-rate': '1',
      'x-accel-buffering': 'no',
      'x-accel-charset': 'koi8-r',
      'x-accel-expires': '600',
      'x-sendfile': '/etc/passwd',
    };
    response.writeHead(200, { 'content-type': 'application/json', ...accel });
    response.end(JSON.stringify({ from: 'application', url: request.url }));
  });
  server.on('connection', () => {
    hostile.connections += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  hostile.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return hostile;
}

/**
 * A non-internal location with the classic off-by-slash alias (`location /_broken` + `alias
 * <dir>/`): the control that shows the X5 request really escapes a wrongly written snippet.
 */
function brokenAliasBlock(port: number, shardRoot: string): string {
  return `server {\n    listen 127.0.0.1:${port};\n    location /_broken {\n        alias "${shardRoot}/";\n    }\n}`;
}

/**
 * Writes a configuration with two local shards in x-accel mode (relative paths, resolved against
 * the file's folder), tokens for alice and bob and uploads on; starts it with `stowage serve
 * --config`, a stream-mode twin in-process, the hostile upstream, and nginx with the blocks that
 * `renderNginxServerBlock` generates. Everything stops in teardown.
 */
export async function startXAccelFixture(t: Test): Promise<XAccelFixture> {
  const root = await mkdtemp(join(tmpdir(), 'stowage-x-accel-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'etc'));
  const file = join(root, 'etc', 'stowage.json');
  await writeFile(
    file,
    JSON.stringify({
      host: '127.0.0.1',
      port: 8080,
      dataDir: '../data',
      shards: [
        { name: 'a', root: '../shards/a', delivery: { mode: 'x-accel', internalPrefix: '/_stowage/a' } },
        { name: 'b', root: '../shards/b', delivery: { mode: 'x-accel', internalPrefix: '/_stowage/b' } },
      ],
      auth: { tokens: { [ALICE]: 'alice', [BOB]: 'bob' } },
      uploads: true,
    }),
  );
  const stowage = await spawnServe(['--config', file, '--port', '0'], /downloads: /);
  t.teardown(() => stopServe(stowage));
  const config = await loadServeConfig(file, { port: Number(new URL(stowage.url).port) });
  const streamedConfig: ServeConfig = {
    ...config,
    port: 0,
    storage: { single: false, shards: config.storage.shards.map((shard) => ({ ...shard, delivery: { mode: 'stream' } })) },
  };
  const streamed = await startServer(streamedConfig);
  t.teardown(() => streamed.close());
  const hostile = await startHostile(t);
  const nginx = await startNginx(
    t,
    ([front, hostileFront, broken]) => [
      renderNginxServerBlock(config, { listen: front as number }),
      renderNginxServerBlock(config, { listen: hostileFront as number, upstream: hostile.url }),
      brokenAliasBlock(broken as number, join(root, 'shards', 'a')),
    ],
    3,
  );
  const front = nginx.urls[0] as string;
  return {
    root,
    config,
    stowage,
    streamed,
    nginx,
    hostile,
    async upload(filename, bytes, visibility) {
      const response = await fetch(`${front}${config.mediaPrefix}`, {
        method: 'POST',
        body: bytes,
        headers: {
          authorization: `Bearer ${ALICE}`,
          'content-type': 'application/octet-stream',
          'x-filename': encodeURIComponent(filename),
          'x-stowage-visibility': visibility,
        },
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`upload of ${filename} answered ${response.status}: ${body}`);
      return response.headers.get('location') as string;
    },
  };
}
