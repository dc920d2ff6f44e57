import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { zipNames } from './helpers/zip-names.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** The environment of the child: no coverage hooks. */
function childEnv(): NodeJS.ProcessEnv {
  const { NODE_V8_COVERAGE: _coverage, NODE_OPTIONS: _options, ...env } = process.env;
  return env;
}

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly directory: string;
}

async function start(args: readonly string[]): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: childEnv() });
  child.stderr.resume();
  let output = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    output += chunk as string;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const directory = /data: +(\S+)/.exec(output)?.[1];
    if (url !== undefined && directory !== undefined && output.includes('Ctrl-C')) return { child, url, directory };
  }
  throw new Error(`the fileserver did not start: ${output}`);
}

async function stop(t: Test, started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  const [code] = (await once(started.child, 'exit')) as [number | null];
  t.equal(code, 0, 'SIGTERM stops it cleanly');
}

function submission(): FormData {
  const form = new FormData();
  form.append('foo.txt', new Blob(['foocontent']), 'foo.txt');
  form.append('bar/baz/bah.txt', new Blob(['bahcontent']), 'bah.txt');
  return form;
}

t.test('dev mode: a submission goes in, its archive comes out, SIGTERM removes the temporary directory', async (t) => {
  const started = await start(['--port', '0']);
  t.teardown(() => started.child.kill('SIGKILL'));
  await access(join(started.directory, '.stowage'));
  const stored = await fetch(`${started.url}/submissions/job-id-xxxx`, { method: 'POST', body: submission() });
  t.equal(stored.status, 200);
  t.equal(await stored.text(), '{"archive_path": "/submission_archives/job-id-xxxx.zip", "result_path": "/results/job-id-xxxx.zip"}');
  const archive = await fetch(`${started.url}/submission_archives/job-id-xxxx.zip`);
  t.equal(archive.status, 200);
  t.same(await zipNames(Buffer.from(await archive.arrayBuffer())), ['job-id-xxxx/', 'job-id-xxxx/bar/', 'job-id-xxxx/foo.txt', 'job-id-xxxx/bar/baz/', 'job-id-xxxx/bar/baz/bah.txt']);
  await access(join(started.directory, 'submissions', 'job-id-xxxx', 'bar', 'baz', 'bah.txt'));

  const form = new FormData();
  form.append('test.in', new Blob(['1 2\n']), 'test.in');
  const tasks = await fetch(`${started.url}/exercises`, { method: 'POST', body: form });
  const hash = createHash('sha1').update('1 2\n').digest('hex');
  t.same(await tasks.json(), { result: 'OK', files: { 'test.in': `/tasks/${hash}` } });
  t.equal(await (await fetch(`${started.url}/tasks/${hash}`)).text(), '1 2\n');
  t.equal((await fetch(`${started.url}/results/job-id-xxxx.zip`, { method: 'PUT', body: 'result' })).status, 200);
  t.equal(await (await fetch(`${started.url}/results/job-id-xxxx.zip`)).text(), 'result');
  const elsewhere = await fetch(`${started.url}/`);
  t.equal(elsewhere.status, 404);
  await elsewhere.arrayBuffer();

  await stop(t, started);
  await t.rejects(access(started.directory), 'the temporary directory is deleted');
});

t.test('--dir keeps the files; --htpasswd guards every route', async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), 'recodex-example-'));
  t.teardown(() => rm(scratch, { recursive: true, force: true }));
  const htpasswd = join(scratch, 'htpasswd');
  await writeFile(htpasswd, `re:{SHA}${createHash('sha1').update('codex').digest('base64')}\n`);
  const dir = join(scratch, 'data');
  const started = await start(['runserver', '0', '--directory', dir, '--htpasswd', htpasswd]);
  t.teardown(() => started.child.kill('SIGKILL'));
  t.equal(started.directory, dir);
  // The refusal comes before the body is read, with `Connection: close`. A body fetch streams
  // (FormData) can still be on its way when the server closes, and the client then fails with
  // EPIPE instead of reading the 401: send this one encoded, in the same write as the headers.
  const encoded = new Response(submission());
  const anonymous = await fetch(`${started.url}/submissions/kept`, {
    method: 'POST',
    body: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type') ?? '' },
  });
  t.equal(anonymous.status, 401);
  t.match(anonymous.headers.get('www-authenticate'), /^Basic realm="ReCodEx fileserver"/);
  await anonymous.arrayBuffer();
  const authorization = `Basic ${Buffer.from('re:codex').toString('base64')}`;
  const stored = await fetch(`${started.url}/submissions/kept`, { method: 'POST', body: submission(), headers: { authorization } });
  t.equal(stored.status, 200);
  await stored.arrayBuffer();
  await stop(t, started);
  await access(join(dir, 'submission_archives', 'kept.zip'));
});

t.test('bad arguments exit with code 2 and name the problem; --help prints the usage', async (t) => {
  for (const args of [['--port', 'eighty'], ['--bogus'], ['1', '2'], ['--htpasswd', '/nonexistent/htpasswd', '--port', '0']]) {
    const child = spawn(process.execPath, [MAIN, ...args], { env: childEnv() });
    child.stdout.resume();
    let errors = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (errors += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    t.equal(code, 2, args.join(' '));
    t.match(errors, /STOWAGE_INVALID_CONFIG/);
  }
  const help = spawn(process.execPath, [MAIN, '--help'], { env: childEnv() });
  let usage = '';
  help.stdout.setEncoding('utf8');
  help.stdout.on('data', (chunk: string) => (usage += chunk));
  const [code] = (await once(help, 'exit')) as [number | null];
  t.equal(code, 0);
  t.match(usage, /--htpasswd FILE/);
});
