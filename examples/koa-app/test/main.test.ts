import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** The environment of the child: no coverage hooks, no inherited STOWAGE_DIR or PORT. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_V8_COVERAGE: _coverage, NODE_OPTIONS: _options, STOWAGE_DIR: _dir, PORT: _port, ...env } = process.env;
  return { ...env, ...extra };
}

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly token: string;
  readonly directory: string;
}

async function start(): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], { env: childEnv({ PORT: '0' }) });
  child.stderr.resume();
  let output = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    output += chunk as string;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const token = /alice token: ([0-9a-f]+)/.exec(output)?.[1];
    const directory = /data: +(\S+)/.exec(output)?.[1];
    if (url !== undefined && token !== undefined && directory !== undefined && output.includes('curl')) return { child, url, token, directory };
  }
  throw new Error(`the application did not start: ${output}`);
}

t.test('npm start: prints its URL, takes an upload, serves it back, and removes its directory on SIGTERM', async (t) => {
  const started = await start();
  t.teardown(() => started.child.kill('SIGKILL'));
  await access(started.directory);
  const form = new FormData();
  form.append('file', new Blob(['from the child process'], { type: 'text/plain' }), 'child.txt');
  const created = await fetch(`${started.url}/api/reports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${started.token}` } });
  t.equal(created.status, 201);
  const location = created.headers.get('location') ?? '';
  t.match(location, /^\/media\/[0-9a-f]{64}\/child\.txt$/);
  await created.arrayBuffer();
  const read = await fetch(`${started.url}${location}`, { headers: { authorization: `Bearer ${started.token}` } });
  t.equal(read.status, 200);
  t.equal(await read.text(), 'from the child process');

  started.child.kill('SIGTERM');
  const [code] = (await once(started.child, 'exit')) as [number | null];
  t.equal(code, 0);
  await t.rejects(access(started.directory), 'the temporary directory is deleted');
});

t.test('a bad PORT exits with code 2 and names the variable', async (t) => {
  const child = spawn(process.execPath, [MAIN], { env: childEnv({ PORT: 'eighty' }) });
  child.stdout.resume();
  let errors = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (errors += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 2);
  t.match(errors, /STOWAGE_INVALID_CONFIG/);
});
