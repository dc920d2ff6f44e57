import { randomBytes } from 'node:crypto';
import { readdir, readFile, readlink, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { ALICE, BOB, startXAccelFixture, type XAccelFixture } from './helpers/x-accel-fixture.js';
import { nginxRequirement } from './helpers/nginx.js';

// RELIABILITY.md 3.2 (X1-X6) through a real nginx, with the server block `stowage nginx-config`
// prints, in front of `stowage serve --config` with two local shards in x-accel mode.

const INTERNAL_URI = /^\/_stowage\/[ab]\/blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The headers Stowage itself decides; X4 wants them identical through nginx and from Node. */
const ENTRY_HEADERS = [
  'content-type',
  'content-disposition',
  'etag',
  'last-modified',
  'cache-control',
  'accept-ranges',
  'x-content-type-options',
  'content-security-policy',
  'content-range',
  'www-authenticate',
  'location',
];
/** What either server adds on its own (transport), besides the entry headers and Content-Length. */
const TRANSPORT_HEADERS = ['date', 'server', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'];

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | null>;
  readonly names: string[];
  readonly body: Buffer;
}

async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const body = Buffer.from(await response.arrayBuffer());
  const headers = Object.fromEntries(ENTRY_HEADERS.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers, names: [...response.headers.keys()], body };
}

/** Whether one of nginx's worker processes (the children of `master`) has `file` open. */
async function workerHolds(master: number, file: string): Promise<boolean> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the command (which may hold spaces): state, then the parent's pid.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== master) continue;
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === file) return true;
    }
  }
  return false;
}

/** The X-Accel-Redirect Node answers for an entry (asked directly, with alice's token). */
async function internalUriOf(fixture: XAccelFixture, location: string): Promise<string> {
  const response = await fetch(`${fixture.stowage.url}${location}`, { headers: { authorization: `Bearer ${ALICE}` } });
  await response.arrayBuffer();
  return response.headers.get('x-accel-redirect') ?? '';
}

t.test('X-Accel-Redirect delivery through a real nginx (RELIABILITY X1-X6)', nginxRequirement(), async (t) => {
  const fixture = await startXAccelFixture(t);
  const [front, hostileFront, brokenFront] = fixture.nginx.urls as [string, string, string];

  // Files whose names need encoding (X2), uploaded through nginx's upload location, until both
  // shards hold some (placement is by hash; 64 tries leave a 2^-63 chance of missing one).
  const names = ['a b.txt', '100%.txt', 'why?.txt', '#hash.txt', '@at.txt', 'é.txt', '✓.txt', 'page.html'];
  const files = new Map<string, { location: string; bytes: Buffer; internal: string }>();
  for (const name of names) {
    const bytes = randomBytes(3000 + files.size);
    const location = await fixture.upload(name, bytes, 'public');
    files.set(name, { location, bytes, internal: await internalUriOf(fixture, location) });
  }
  for (let index = 0; new Set([...files.values()].map((file) => file.internal.slice(0, 11))).size < 2 && index < 64; index += 1) {
    const bytes = randomBytes(100 + index);
    const location = await fixture.upload(`extra-${index}.bin`, bytes, 'public');
    files.set(`extra-${index}.bin`, { location, bytes, internal: await internalUriOf(fixture, location) });
  }
  const secretBytes = randomBytes(2048);
  const secretName = 'secret-é.txt';
  const secret = await fixture.upload(secretName, secretBytes, 'private');
  // The NFD spelling of the name: an authorized caller gets a 301 to the stored name (D11).
  const secretNfd = secret.replace(/[^/]+$/, encodeURIComponent(secretName.normalize('NFD')));
  const first = files.get('a b.txt')!;
  fixture.hostile.target = first.internal;

  t.test('both shards hold blobs; every internal URI is content-addressed (no filename in it)', async (t) => {
    t.same(new Set([...files.values()].map((file) => file.internal.slice(0, 11))), new Set(['/_stowage/a', '/_stowage/b']));
    for (const [name, file] of files) t.match(file.internal, INTERNAL_URI, name);
  });

  t.test('X1: a direct request to an internal location is nginx 404, in every spelling', async (t) => {
    for (const file of [...files.values()].slice(0, 4)) {
      const answer = await ask(`${front}${file.internal}`);
      t.equal(answer.status, 404, file.internal);
      t.notOk(answer.body.includes(file.bytes), 'no file bytes');
    }
    const spellings = [
      '/_stowage/a/',
      `/_stowage/a/blobs/../${first.internal.slice(18)}`,
      `/media/..${first.internal}`,
      `/media/..%2F..${first.internal}`,
      first.internal.replace('/blobs/', '/%62lobs/'),
      first.internal.replace('/_stowage/', '//_stowage//'),
    ];
    for (const spelling of spellings) {
      const answer = await ask(`${front}${spelling}`);
      t.ok(answer.status === 404 || answer.status === 400, `${spelling}: ${answer.status}`);
      t.notOk(answer.body.includes(first.bytes), `${spelling}: no file bytes`);
    }
  });

  t.test('X2: names with space, %, ?, #, @, é, ✓ are served with their exact bytes', async (t) => {
    for (const name of names) {
      const file = files.get(name)!;
      t.match(file.location, new RegExp(`/${encodeURIComponent(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), name);
      const [viaNginx, viaNode] = await Promise.all([ask(`${front}${file.location}`), ask(`${fixture.streamed.url}${file.location}`)]);
      t.equal(viaNginx.status, 200, name);
      t.ok(viaNginx.body.equals(file.bytes), `${name}: exact bytes`);
      t.same(viaNginx.headers, viaNode.headers, `${name}: Content-Disposition and the other entry headers as Node sends them`);
    }
  });

  t.test('nginx passes the encoded request URI to Node byte for byte (proxy_pass without a URI)', async (t) => {
    const segment = fc.stringMatching(/^[A-Za-z0-9 %?#@é✓+;=,'!*()~_-]{1,12}$/).filter((value) => value !== '.' && value !== '..');
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), async (segments) => {
        const path = `/media/${segments.map(encodeURIComponent).join('/')}?echo=1`;
        const answer = await ask(`${hostileFront}${path}`);
        return answer.status === 200 && (JSON.parse(answer.body.toString()) as { url: string }).url === path;
      }),
      { numRuns: 40 },
    );
    t.pass('40 generated paths arrived unchanged');
  });

  t.test('nginx keeps its connections to the upstream alive between requests', async (t) => {
    // Sequential requests: a kept connection is idle, so each one reuses it.
    const before = fixture.hostile.connections;
    for (let index = 0; index < 10; index += 1) t.equal((await ask(`${hostileFront}/media/keep?echo=${index}`)).status, 200);
    t.ok(fixture.hostile.connections - before <= 1, `10 proxied requests took ${fixture.hostile.connections - before} new upstream connections`);
  });

  t.test('X3: X-Accel-* from any location but downloads is neither honoured nor passed on', async (t) => {
    // The hostile upstream answers every request with X-Accel-Redirect to a real blob.
    for (const [method, path] of [
      ['GET', '/api/report'],
      ['GET', '/'],
      ['POST', '/media'],
      ['GET', '/media'],
    ] as const) {
      const answer = await ask(`${hostileFront}${path}`, { method, ...(method === 'POST' ? { body: 'x' } : {}) });
      t.equal(answer.status, 200, `${method} ${path}`);
      t.notOk(answer.body.includes(first.bytes), `${method} ${path}: not the blob`);
      t.equal(answer.body.toString(), JSON.stringify({ from: 'application', url: path }), `${method} ${path}: the upstream's own body`);
      t.same(answer.names.filter((name) => name.startsWith('x-accel') || name === 'x-sendfile'), [], `${method} ${path}: nothing leaked`);
    }
    // Control: the same header in the download location is honoured, so the test has teeth.
    const control = await ask(`${hostileFront}/media/0123/control.txt`);
    t.ok(control.body.equals(first.bytes), 'the download location honours X-Accel-Redirect');
    t.same(control.names.filter((name) => name.startsWith('x-accel') || name === 'x-sendfile'), []);
  });

  t.test('X4: Range, HEAD and validators through nginx match Node-served mode', async (t) => {
    const file = first;
    const size = file.bytes.length;
    const etag = (await ask(`${fixture.streamed.url}${file.location}`)).headers['etag'] as string;
    const lastModified = (await ask(`${fixture.streamed.url}${file.location}`)).headers['last-modified'] as string;
    const cases: [string, Record<string, string>, string][] = [
      ['GET', {}, 'whole file'],
      ['GET', { range: 'bytes=0-99' }, 'first 100 bytes (D12)'],
      ['GET', { range: `bytes=${size - 10}-` }, 'open-ended range'],
      ['GET', { range: 'bytes=-10' }, 'suffix range'],
      ['GET', { range: 'bytes=0-0,5-9' }, 'two ranges: 200 whole (D14)'],
      ['GET', { range: 'items=0-1' }, 'another unit: ignored (D15)'],
      ['GET', { range: 'bytes=0-99', 'if-range': etag }, 'If-Range current'],
      ['GET', { range: 'bytes=0-99', 'if-range': '"stale"' }, 'If-Range stale: 200 whole (D16)'],
      ['GET', { range: 'bytes=0-99', 'if-range': lastModified }, 'If-Range date'],
      ['GET', { 'if-none-match': etag }, 'If-None-Match current: 304 (D17)'],
      ['GET', { 'if-none-match': '"other"' }, 'If-None-Match other: 200'],
      ['GET', { 'if-modified-since': new Date(Date.now() + 86_400_000).toUTCString() }, 'If-Modified-Since later: 304'],
      ['GET', { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' }, 'If-Modified-Since earlier: 200'],
      ['HEAD', {}, 'HEAD (D18)'],
      ['HEAD', { range: 'bytes=5-9' }, 'HEAD with a range'],
    ];
    for (const [method, headers, label] of cases) {
      const [viaNginx, viaNode] = await Promise.all([
        ask(`${front}${file.location}`, { method, headers }),
        ask(`${fixture.streamed.url}${file.location}`, { method, headers }),
      ]);
      t.equal(viaNginx.status, viaNode.status, `${label}: status ${viaNode.status}`);
      t.same(viaNginx.headers, viaNode.headers, `${label}: entry headers`);
      t.ok(viaNginx.body.equals(viaNode.body), `${label}: body`);
      const extra = viaNginx.names.filter((name) => !ENTRY_HEADERS.includes(name) && !TRANSPORT_HEADERS.includes(name));
      t.same(extra, [], `${label}: no other header`);
    }
    const unsatisfiable = await ask(`${front}${file.location}`, { headers: { range: `bytes=${size}-` } });
    t.equal(unsatisfiable.status, 416, 'D13 through nginx');
    t.equal(unsatisfiable.headers['content-range'], `bytes */${size}`);
    const html = await ask(`${front}${files.get('page.html')!.location}`);
    t.match(html.headers['content-disposition'], /^attachment;/, 'HTML stays an attachment (D21)');
    t.match(html.headers['content-security-policy'], /^sandbox/);
    const privately = { authorization: `Bearer ${ALICE}` };
    const [privateNginx, privateNode] = await Promise.all([ask(`${front}${secret}`, { headers: privately }), ask(`${fixture.streamed.url}${secret}`, { headers: privately })]);
    t.equal(privateNginx.status, 200);
    t.ok(privateNginx.body.equals(secretBytes));
    t.same(privateNginx.headers, privateNode.headers, 'a private entry keeps private, no-store (D23)');
    const revalidated = await ask(`${front}${secret}`, { headers: { ...privately, 'if-none-match': privateNode.headers['etag'] as string } });
    t.equal(revalidated.status, 304);
    t.equal(revalidated.headers['cache-control'], 'private, no-store');
  });

  t.test('X5: the off-by-slash spelling of an internal prefix reaches no file', async (t) => {
    // A file next to shard a's root: what `/_stowage/a../` would reach through a broken alias.
    await writeFile(join(fixture.root, 'shards', 'beside.txt'), 'beside the shard root');
    const control = await ask(`${brokenFront}/_broken../beside.txt`);
    t.equal(control.body.toString(), 'beside the shard root', 'control: a broken alias serves the neighbour');
    for (const spelling of ['/_stowage/a../beside.txt', '/_stowage/a../a/' + first.internal.slice(12), '/_stowage/a..%2Fbeside.txt', '/_stowage/b../beside.txt']) {
      const answer = await ask(`${front}${spelling}`);
      t.equal(answer.status, 404, spelling);
      t.notOk(answer.body.toString().includes('beside the shard root'), `${spelling}: not the neighbour`);
    }
  });

  t.test('a blob replaced by a symbolic link is not followed by nginx either (D25)', async (t) => {
    const outside = join(fixture.root, 'outside.txt');
    await writeFile(outside, 'outside every shard');
    const location = await fixture.upload('linked.txt', randomBytes(64), 'public');
    const internal = await internalUriOf(fixture, location);
    const blob = join(fixture.root, 'shards', internal.slice('/_stowage/'.length));
    await rm(blob);
    await symlink(outside, blob);
    const answer = await ask(`${front}${location}`);
    t.equal(answer.status, 403, 'nginx refuses the link (disable_symlinks)');
    t.notOk(answer.body.toString().includes('outside every shard'), 'not the target of the link');
  });

  /** The blob file an internal URI names. */
  const blobFile = (internal: string): Promise<string> => realpath(join(fixture.root, 'shards', internal.slice('/_stowage/'.length)));

  t.test('nginx keeps a downloaded blob open for the next downloads (open_file_cache)', async (t) => {
    const bytes = randomBytes(5000);
    const location = await fixture.upload('hot.bin', bytes, 'public');
    const blob = await blobFile(await internalUriOf(fixture, location));
    t.notOk(await workerHolds(fixture.nginx.pid, blob), 'control: no worker has it open before a download');
    for (let round = 0; round < 3; round += 1) t.same((await ask(`${front}${location}`)).body, bytes);
    t.ok(await workerHolds(fixture.nginx.pid, blob), 'a worker still holds it after the downloads ended');
  });

  t.test('a blob missing on disk is a 404 from nginx, and served as soon as it is back (no failed lookup is cached)', async (t) => {
    const bytes = randomBytes(6000);
    const location = await fixture.upload('comes-back.bin', bytes, 'public');
    const blob = await blobFile(await internalUriOf(fixture, location));
    await rename(blob, `${blob}.away`);
    t.equal((await ask(`${front}${location}`)).status, 404);
    await rename(`${blob}.away`, blob);
    const back = await ask(`${front}${location}`);
    t.equal(back.status, 200);
    t.same(back.body, bytes);
  });

  t.test('X6: denied requests are answered by Stowage, never with X-Accel-Redirect', async (t) => {
    for (const [label, headers, status, code] of [
      ['anonymous', {}, 401, 'STOWAGE_UNAUTHENTICATED'],
      ['bob, not a reader', { authorization: `Bearer ${BOB}` }, 403, 'STOWAGE_FORBIDDEN'],
      ['a wrong token', { authorization: `Bearer ${'f'.repeat(40)}` }, 401, 'STOWAGE_UNAUTHENTICATED'],
    ] as const) {
      for (const path of [secret, secretNfd]) {
        const [viaNginx, direct] = await Promise.all([ask(`${front}${path}`, { headers }), ask(`${fixture.stowage.url}${path}`, { headers })]);
        t.equal(viaNginx.status, status, `${label} ${path}: status, not a 301 (D10)`);
        t.equal(JSON.parse(viaNginx.body.toString()).code, code, `${label}: the JSON error, not file bytes`);
        t.notOk(viaNginx.body.includes(secretBytes));
        t.notOk(direct.names.includes('x-accel-redirect'), `${label}: Node sent no X-Accel-Redirect to nginx`);
        t.equal(direct.status, status);
      }
    }
    const anonymous = await ask(`${front}${secret}`);
    t.match(anonymous.headers['www-authenticate'], /^Bearer /);
    const authorized = await ask(`${front}${secretNfd}`, { headers: { authorization: `Bearer ${ALICE}` } });
    t.equal(authorized.status, 301, 'control: the NFD spelling redirects an authorized caller');
    t.equal(authorized.headers['location'], secret);
  });
});
