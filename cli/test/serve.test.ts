import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseServeOptions } from '../src/serve-options.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly token: string;
  readonly directory: string;
}

async function serve(...args: string[]): Promise<Running> {
  const { NODE_V8_COVERAGE: _coverage, NODE_OPTIONS: _options, ...env } = process.env;
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], { env });
  let output = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    output += chunk as string;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const token = /demo token: ([0-9a-f]+)/.exec(output)?.[1];
    const directory = /data: +(\S+)/.exec(output)?.[1];
    if (url !== undefined && token !== undefined && directory !== undefined && output.includes('curl')) return { child, url, token, directory };
  }
  throw new Error(`the server did not start: ${output}`);
}

async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  const [code] = (await once(running.child, 'exit')) as [number | null];
  return code;
}

async function upload(running: Running, text: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), 'hello.txt');
  return fetch(`${running.url}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${running.token}` } });
}

t.test('serve options', async (t) => {
  t.same(parseServeOptions([]), { port: undefined, dir: undefined, config: undefined, profiles: [] });
  t.same(parseServeOptions(['--port', '0', '--dir', '/srv/x', '--config', 'c.json']), { port: 0, dir: '/srv/x', config: 'c.json', profiles: [] });
  t.same(parseServeOptions(['--profile', 'recodex']).profiles, ['recodex']);
  t.same(parseServeOptions(['--profile', 'media, recodex']).profiles, ['recodex']);
  t.same(parseServeOptions(['--profile', 'media']).profiles, []);
  t.throws(() => parseServeOptions(['--profile', 'flask']), { code: 'STOWAGE_INVALID_CONFIG' });
  for (const argv of [['--port', 'x'], ['--port', '70000'], ['--port', '-1'], ['--port', '1.5'], ['--dir', ''], ['--config', ''], ['--nope'], ['extra']]) {
    t.throws(() => parseServeOptions(argv), { code: 'STOWAGE_INVALID_CONFIG' }, argv.join(' '));
  }
});

t.test('stowage serve: upload with the demo token, read back, temporary directory gone on exit', async (t) => {
  const running = await serve();
  t.teardown(() => running.child.kill('SIGKILL'));
  const created = await upload(running, 'hello from the demo');
  t.equal(created.status, 201);
  const location = created.headers.get('location') ?? '';
  t.match(location, /^\/media\/[0-9a-f]{64}\/hello\.txt$/);
  const anonymous = await fetch(`${running.url}${location}`);
  t.equal(anonymous.status, 401, 'uploads are private by default');
  await anonymous.arrayBuffer();
  const read = await fetch(`${running.url}${location}`, { headers: { authorization: `Bearer ${running.token}` } });
  t.equal(read.status, 200);
  t.equal(await read.text(), 'hello from the demo');
  const wrong = await upload({ ...running, token: 'f'.repeat(48) }, 'nope');
  t.equal(wrong.status, 401);
  await wrong.arrayBuffer();
  const form = new FormData();
  form.append('file', new Blob(['anonymous']), 'anonymous.txt');
  const anonymousUpload = await fetch(`${running.url}/media`, { method: 'POST', body: form });
  t.equal(anonymousUpload.status, 401, 'anonymous uploads are refused');
  await anonymousUpload.arrayBuffer();
  const elsewhere = await fetch(`${running.url}/elsewhere`);
  t.equal(elsewhere.status, 404);
  await elsewhere.arrayBuffer();
  t.equal(await stop(running), 0);
  await t.rejects(access(running.directory), 'the temporary directory is deleted');
});

t.test('stowage serve --dir keeps data and ids across restarts', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-serve-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const first = await serve('--dir', directory);
  const location = (await upload(first, 'kept')).headers.get('location') ?? '';
  t.equal(await stop(first), 0);
  const second = await serve('--dir', directory);
  t.teardown(() => second.child.kill('SIGKILL'));
  const read = await fetch(`${second.url}${location}`, { headers: { authorization: `Bearer ${second.token}` } });
  t.equal(read.status, 200, 'the new token names the same demo principal, and the catalog and salt survived');
  t.equal(await read.text(), 'kept');
  t.match(location, /^\/media\/[0-9a-f]{64}\/hello\.txt$/);
  t.equal(await stop(second), 0);
  await access(join(directory, 'catalog.db'));
});

t.test('the command line answers usage errors with exit code 2', async (t) => {
  const { NODE_V8_COVERAGE: _coverage, NODE_OPTIONS: _options, ...env } = process.env;
  for (const [args, expected] of [
    [[], 0],
    [['bogus'], 2],
    [['serve', '--port', 'x'], 2],
    [['serve', '--config', '/nonexistent/stowage.json'], 2],
  ] as const) {
    const child = spawn(process.execPath, [MAIN, ...args], { env });
    child.stdout.resume();
    child.stderr.resume();
    const [code] = (await once(child, 'exit')) as [number | null];
    t.equal(code, expected, args.join(' '));
  }
});
