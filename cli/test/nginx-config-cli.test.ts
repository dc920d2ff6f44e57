import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadServeConfig } from '../src/config/load-config.js';
import { NGINX_HTTP_MAPS, renderNginxServerBlock } from '../src/nginx/server-block.js';
import { parseNginxConfigOptions } from '../src/nginx-config-command.js';
import { startServer } from '../src/server.js';
import { runCli } from './helpers/cli-process.js';
import { NGINX_BINARY, nginxRequirement, startNginx } from './helpers/nginx.js';

async function folder(t: Test, name: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), name));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

async function configFile(directory: string, value: object): Promise<string> {
  const file = join(directory, 'stowage.json');
  await writeFile(file, JSON.stringify(value));
  return file;
}

const X_ACCEL = { dataDir: 'data', root: 'blobs', delivery: { mode: 'x-accel', internalPrefix: '/_blobs' } };

t.test('nginx-config options', async (t) => {
  t.same(parseNginxConfigOptions(['--config', 'x.json']), { config: 'x.json', listen: 8081, upstream: undefined, standalone: undefined, user: undefined });
  t.same(parseNginxConfigOptions(['--config', 'x.json', '--listen', '80', '--upstream', 'http://h:1', '--standalone', '/tmp/n', '--user', 'www-data']), {
    config: 'x.json',
    listen: 80,
    upstream: 'http://h:1',
    standalone: '/tmp/n',
    user: 'www-data',
  });
  for (const argv of [[], ['--config', ''], ['--config', 'x', '--listen', '0'], ['--config', 'x', '--listen', '1e3'], ['--config', 'x', '--user', 'root'], ['--config', 'x', '--nope'], ['x']]) {
    t.throws(() => parseNginxConfigOptions(argv), { code: 'STOWAGE_INVALID_CONFIG' }, argv.join(' '));
  }
});

t.test('stowage nginx-config prints the map and the server block; usage errors exit 2', async (t) => {
  const directory = await folder(t, 'stowage-nginx-cli-');
  const file = await configFile(directory, X_ACCEL);
  const printed = await runCli(['nginx-config', '--config', file, '--listen', '8090']);
  t.equal(printed.code, 0, printed.stderr);
  t.equal(printed.stdout, `${NGINX_HTTP_MAPS}\n${renderNginxServerBlock(await loadServeConfig(file), { listen: 8090 })}`);
  t.match(printed.stdout, `alias "${join(directory, 'blobs')}/";`);
  const standalone = await runCli(['nginx-config', '--config', file, '--standalone', directory, '--user', 'root']);
  t.equal(standalone.code, 0);
  t.match(standalone.stdout, /^daemon off;$/m);
  t.match(standalone.stdout, /^user root;$/m);
  for (const args of [
    ['nginx-config'],
    ['nginx-config', '--config', join(directory, 'missing.json')],
    ['nginx-config', '--config', await configFile(await folder(t, 'stowage-nginx-cli-'), { delivery: { mode: 'x-sendfile' } })],
  ]) {
    const failed = await runCli(args);
    t.equal(failed.code, 2, args.join(' '));
    t.match(failed.stderr, /STOWAGE_INVALID_CONFIG/);
  }
});

t.test('nginx accepts the printed configuration (nginx -t), hostile characters in paths included', nginxRequirement(), async (t) => {
  // A folder name with everything nginx's parser treats specially outside quotes.
  const directory = join(await folder(t, 'stowage-nginx-t-'), 'odd "dir" {x};#y \\t');
  await mkdir(directory);
  const file = await configFile(directory, X_ACCEL);
  const printed = await runCli(['nginx-config', '--config', file, '--standalone', directory, ...(process.getuid?.() === 0 ? ['--user', 'root'] : [])]);
  t.equal(printed.code, 0, printed.stderr);
  const conf = join(directory, 'nginx.conf');
  await writeFile(conf, printed.stdout);
  const checked = spawnSync(NGINX_BINARY, ['-t', '-p', directory, '-c', conf, '-e', join(directory, 'error.log')], { encoding: 'utf8' });
  t.equal(checked.status, 0, checked.stderr);
  t.match(checked.stderr, /syntax is ok/);
});

t.test('files under a root with hostile characters are served through nginx', nginxRequirement(), async (t) => {
  const directory = join(await folder(t, 'stowage-nginx-odd-'), 'shard "q" {x};#y \\t é');
  await mkdir(directory);
  const file = await configFile(directory, { ...X_ACCEL, port: 0, uploads: true, auth: { tokens: { ['t'.repeat(20)]: 'alice' } } });
  const server = await startServer(await loadServeConfig(file));
  t.teardown(() => server.close());
  const nginx = await startNginx(t, ([port]) => [renderNginxServerBlock(server.config, { listen: port as number })]);
  const front = nginx.urls[0] as string;
  const created = await fetch(`${front}/media`, {
    method: 'POST',
    body: 'through an odd root',
    headers: { authorization: `Bearer ${'t'.repeat(20)}`, 'x-filename': 'odd.txt', 'x-stowage-visibility': 'public' },
  });
  t.equal(created.status, 201);
  const location = created.headers.get('location') as string;
  await created.arrayBuffer();
  const direct = await fetch(`${server.url}${location}`);
  t.match(direct.headers.get('x-accel-redirect'), /^\/_blobs\/blobs\//, 'Node delegates the bytes');
  await direct.arrayBuffer();
  const read = await fetch(`${front}${location}`);
  t.equal(read.status, 200);
  t.equal(await read.text(), 'through an odd root');
});
