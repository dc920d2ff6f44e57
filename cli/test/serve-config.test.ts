import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { loadServeConfig, withOverrides } from '../src/config/load-config.js';
import { demoConfig, parseServeConfig } from '../src/config/serve-config.js';
import { prefixesOverlap, urlPrefix } from '../src/config/url-prefix.js';

const BASE = '/etc/stowage';
const TOKEN = 'a'.repeat(16);

t.test('defaults: 127.0.0.1:8080, /media, one root named default under the data directory, no auth, no uploads', async (t) => {
  const config = parseServeConfig({}, BASE);
  t.same(config, {
    host: '127.0.0.1',
    port: 8080,
    dataDir: undefined,
    mediaPrefix: '/media',
    storage: { single: true, shards: [{ name: 'default', root: undefined, weight: undefined, active: undefined, delivery: { mode: 'stream' } }] },
    auth: { tokens: {}, tokenFile: undefined, tokenHeader: undefined, htpasswdFile: undefined, forwardAuth: undefined },
    uploads: false,
    hideExistence: false,
  });
  t.ok(Object.isFrozen(config));
});

t.test('every field, relative paths resolved against the folder of the file', async (t) => {
  const config = parseServeConfig(
    {
      host: '::1',
      port: 0,
      dataDir: 'data',
      mediaPrefix: '/files/',
      shards: [
        { name: 'a', root: '../srv/a', weight: 2.5, active: false, delivery: { mode: 'x-accel', internalPrefix: '/_s/a/' } },
        { name: 'b.2', root: '/srv/b', delivery: { mode: 'x-sendfile' } },
        { name: 'c', root: 'c', delivery: { mode: 'stream' } },
      ],
      auth: {
        tokens: { [TOKEN]: 'alice', ['b'.repeat(4096)]: { name: 'bob', groups: ['staff'], admin: true } },
        tokenFile: 'tokens.json',
        tokenHeader: 'X-Charon-API-token',
        htpasswdFile: '/etc/htpasswd',
        forwardAuth: { url: 'http://127.0.0.1:5984/_session', timeoutMs: 2000 },
      },
      uploads: { maxFiles: 2, idleTimeoutMs: 1000 },
      permissions: { hideExistence: true },
    },
    BASE,
  );
  t.equal(config.host, '::1');
  t.equal(config.port, 0);
  t.equal(config.dataDir, '/etc/stowage/data');
  t.equal(config.mediaPrefix, '/files');
  t.same(config.storage, {
    single: false,
    shards: [
      { name: 'a', root: '/etc/srv/a', weight: 2.5, active: false, delivery: { mode: 'x-accel', internalPrefix: '/_s/a' } },
      { name: 'b.2', root: '/srv/b', weight: undefined, active: undefined, delivery: { mode: 'x-sendfile' } },
      { name: 'c', root: '/etc/stowage/c', weight: undefined, active: undefined, delivery: { mode: 'stream' } },
    ],
  });
  t.same(config.auth.tokens, { [TOKEN]: { name: 'alice' }, ['b'.repeat(4096)]: { name: 'bob', groups: ['staff'], admin: true } });
  t.equal(config.auth.tokenFile, '/etc/stowage/tokens.json');
  t.equal(config.auth.tokenHeader, 'X-Charon-API-token');
  t.equal(config.auth.htpasswdFile, '/etc/htpasswd');
  t.same(config.auth.forwardAuth, { url: 'http://127.0.0.1:5984/_session', timeoutMs: 2000 });
  t.same(config.uploads, { maxFiles: 2, idleTimeoutMs: 1000 });
  t.equal(config.hideExistence, true);
  t.equal(parseServeConfig({ mediaPrefix: '/', uploads: true, root: 'blobs', delivery: { mode: 'x-accel', internalPrefix: '/_x' } }, BASE).mediaPrefix, '');
  t.same(parseServeConfig({ root: 'blobs', delivery: { mode: 'x-accel', internalPrefix: '/_x' } }, BASE).storage.shards[0]?.root, '/etc/stowage/blobs');
});

t.test('every invalid field is STOWAGE_INVALID_CONFIG', async (t) => {
  const shard = (extra: object): object => ({ shards: [{ name: 'a', root: '/a', ...extra }] });
  const cases: [string, unknown][] = [
    ['not an object', []],
    ['null', null],
    ['unknown field', { prot: 80 }],
    ['host name', { host: 'example.com' }],
    ['empty host', { host: '' }],
    ['port text', { port: '80' }],
    ['port range', { port: 65536 }],
    ['port fraction', { port: 1.5 }],
    ['dataDir type', { dataDir: 7 }],
    ['dataDir NUL', { dataDir: 'a\0b' }],
    ['mediaPrefix relative', { mediaPrefix: 'media' }],
    ['mediaPrefix encoded', { mediaPrefix: '/me%64ia' }],
    ['mediaPrefix dot segment', { mediaPrefix: '/a/../b' }],
    ['mediaPrefix sub-delims', { mediaPrefix: '/a;b' }],
    ['mediaPrefix type', { mediaPrefix: 1 }],
    ['root and shards', { root: '/a', ...shard({}) }],
    ['delivery and shards', { delivery: { mode: 'stream' }, ...shard({}) }],
    ['shards empty', { shards: [] }],
    ['shards object', { shards: {} }],
    ['shard unknown field', shard({ size: 1 })],
    ['shard name missing', { shards: [{ root: '/a' }] }],
    ['shard name characters', { shards: [{ name: 'a/b', root: '/a' }] }],
    ['shard root missing', { shards: [{ name: 'a' }] }],
    ['shard weight zero', shard({ weight: 0 })],
    ['shard weight infinite', shard({ weight: Number.POSITIVE_INFINITY })],
    ['shard active text', shard({ active: 'yes' })],
    ['shard names repeated', { shards: [{ name: 'a', root: '/a' }, { name: 'a', root: '/b' }] }],
    ['shard roots repeated', { shards: [{ name: 'a', root: '/a' }, { name: 'b', root: '/a/' }] }],
    ['delivery mode', shard({ delivery: { mode: 'nginx' } })],
    ['delivery not an object', shard({ delivery: 'x-accel' })],
    ['x-accel without prefix', shard({ delivery: { mode: 'x-accel' } })],
    ['x-accel prefix "/"', shard({ delivery: { mode: 'x-accel', internalPrefix: '/' } })],
    ['prefix on stream', shard({ delivery: { mode: 'stream', internalPrefix: '/_x' } })],
    ['x-accel prefix = media', shard({ delivery: { mode: 'x-accel', internalPrefix: '/media' } })],
    ['x-accel prefix inside media', shard({ delivery: { mode: 'x-accel', internalPrefix: '/media/_x' } })],
    [
      'x-accel prefixes nested',
      {
        shards: [
          { name: 'a', root: '/a', delivery: { mode: 'x-accel', internalPrefix: '/_s' } },
          { name: 'b', root: '/b', delivery: { mode: 'x-accel', internalPrefix: '/_s/b' } },
        ],
      },
    ],
    ['auth not an object', { auth: true }],
    ['auth unknown field', { auth: { users: {} } }],
    ['tokens array', { auth: { tokens: [TOKEN] } }],
    ['token short', { auth: { tokens: { short: 'alice' } } }],
    ['token with a space', { auth: { tokens: { [`${TOKEN} x`]: 'alice' } } }],
    ['token principal empty', { auth: { tokens: { [TOKEN]: '' } } }],
    ['token principal number', { auth: { tokens: { [TOKEN]: 7 } } }],
    ['token principal without name', { auth: { tokens: { [TOKEN]: { groups: [] } } } }],
    ['token principal groups', { auth: { tokens: { [TOKEN]: { name: 'a', groups: [''] } } } }],
    ['token principal admin', { auth: { tokens: { [TOKEN]: { name: 'a', admin: 'yes' } } } }],
    ['token principal field', { auth: { tokens: { [TOKEN]: { name: 'a', role: 'x' } } } }],
    ['tokenHeader', { auth: { tokenHeader: 'X Token' } }],
    ['tokenFile', { auth: { tokenFile: '' } }],
    ['forwardAuth url', { auth: { forwardAuth: { url: 'ftp://x/' } } }],
    ['forwardAuth url missing', { auth: { forwardAuth: {} } }],
    ['forwardAuth not a URL', { auth: { forwardAuth: { url: 'x' } } }],
    ['forwardAuth timeout', { auth: { forwardAuth: { url: 'http://x/', timeoutMs: 0 } } }],
    ['uploads text', { uploads: 'yes' }],
    ['uploads unknown limit', { uploads: { maxSize: 1 } }],
    ['uploads limit below minimum', { uploads: { maxFiles: 0 } }],
    ['uploads limit fraction', { uploads: { maxFileBytes: 1.5 } }],
    ['uploads part header over busboy', { uploads: { maxPartHeaderBytes: 20_000 } }],
    ['permissions unknown', { permissions: { public: true } }],
    ['hideExistence text', { permissions: { hideExistence: 'yes' } }],
  ];
  for (const [label, value] of cases) t.throws(() => parseServeConfig(value, BASE), { code: 'STOWAGE_INVALID_CONFIG' }, label);
});

t.test('URL prefixes: unreserved segments only; overlap is by whole segments', async (t) => {
  t.equal(urlPrefix('/a/b/', 'f'), '/a/b');
  t.equal(urlPrefix('/', 'f'), '');
  t.throws(() => urlPrefix(`/${'a'.repeat(300)}`, 'f'), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => urlPrefix('//', 'f'), { code: 'STOWAGE_INVALID_CONFIG' });
  t.ok(prefixesOverlap('/a', '/a/b'));
  t.ok(prefixesOverlap('/a/b', '/a'));
  t.ok(prefixesOverlap('/a', '/a'));
  t.notOk(prefixesOverlap('/a', '/ab'));
  const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/).filter((value) => value !== '.' && value !== '..');
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.boolean(), (segments, slash) => {
      const prefix = `/${segments.join('/')}`;
      return urlPrefix(slash ? `${prefix}/` : prefix, 'f') === prefix;
    }),
  );
});

t.test('the demo configuration and the command-line overrides', async (t) => {
  const demo = demoConfig(0, 'relative/dir');
  t.equal(demo.port, 0);
  t.equal(demo.dataDir, join(process.cwd(), 'relative/dir'));
  t.equal(demo.uploads, true);
  t.equal(demoConfig(8080, undefined).dataDir, undefined);
  const config = parseServeConfig({ port: 9000, dataDir: '/srv/data' }, BASE);
  t.same(withOverrides(config, {}), config);
  t.same(withOverrides(config, { port: 0, dir: 'x' }), { ...config, port: 0, dataDir: join(process.cwd(), 'x') });
  t.same(withOverrides(config, { port: undefined, dir: undefined }), config);
});

t.test('loadServeConfig reads JSON relative to its folder and refuses unreadable or invalid files', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-config-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const file = join(directory, 'stowage.json');
  await writeFile(file, JSON.stringify({ dataDir: 'data', root: 'blobs' }));
  const config = await loadServeConfig(file, { port: 1234 });
  t.equal(config.dataDir, join(directory, 'data'));
  t.equal(config.storage.shards[0]?.root, join(directory, 'blobs'));
  t.equal(config.port, 1234);
  await t.rejects(loadServeConfig(join(directory, 'missing.json')), { code: 'STOWAGE_INVALID_CONFIG' });
  await writeFile(file, '{ "port": 1, }');
  await t.rejects(loadServeConfig(file), { code: 'STOWAGE_INVALID_CONFIG' });
  await writeFile(file, '{ "port": "1" }');
  await t.rejects(loadServeConfig(file), { code: 'STOWAGE_INVALID_CONFIG' });
});
