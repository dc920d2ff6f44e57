import fc from 'fast-check';
import t from 'tap';
import { parseServeConfig } from '../src/config/serve-config.js';
import { nginxDirectory, nginxString, upstreamTarget } from '../src/nginx/nginx-syntax.js';
import { NGINX_HTTP_MAPS, renderNginxServerBlock } from '../src/nginx/server-block.js';
import { renderStandaloneNginxConf } from '../src/nginx/standalone-conf.js';

/** What nginx's configuration parser reads from one double-quoted token (ngx_conf_read_token). */
function unquote(token: string): string {
  if (!token.startsWith('"') || !token.endsWith('"') || token.length < 2) throw new Error(`not a quoted token: ${token}`);
  const inner = token.slice(1, -1);
  let value = '';
  for (let index = 0; index < inner.length; index += 1) {
    const character = inner[index] as string;
    const next = inner[index + 1];
    if (character === '"') throw new Error(`an unescaped quote ends the token early: ${token}`);
    if (character === '\\' && (next === '"' || next === "'" || next === '\\')) {
      value += next;
      index += 1;
    } else if (character === '\\' && (next === 't' || next === 'r' || next === 'n')) {
      value += { t: '\t', r: '\r', n: '\n' }[next];
      index += 1;
    } else {
      value += character;
    }
  }
  return value;
}

const TWO_SHARDS = {
  port: 8080,
  dataDir: '/var/lib/stowage',
  shards: [
    { name: 'a', root: '/srv/a', delivery: { mode: 'x-accel', internalPrefix: '/_stowage/a' } },
    { name: 'b', root: '/srv/b b/', delivery: { mode: 'x-accel', internalPrefix: '/_stowage/b/' } },
    { name: 'c', root: '/srv/c', delivery: { mode: 'stream' } },
  ],
};

t.test('nginxString: nginx reads back exactly the value, whatever it holds but "$" and controls', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', minLength: 1 }), (value) => {
      fc.pre(!/[$\u0000-\u001f\u007f]/.test(value));
      return unquote(nginxString(value, 'f')) === value;
    }),
    { numRuns: 500 },
  );
  t.equal(nginxString('/a "b" \\t;{}#', 'f'), '"/a \\"b\\" \\\\t;{}#"');
  for (const value of ['', '/a$b', '/a\nb', '/a\u0000b', '/a\u007fb', '${x}']) {
    t.throws(() => nginxString(value, 'f'), { code: 'STOWAGE_INVALID_CONFIG' }, JSON.stringify(value));
  }
});

t.test('nginxDirectory: absolute, exactly one trailing slash, never "/"', async (t) => {
  t.equal(nginxDirectory('/srv/a', 'f'), '"/srv/a/"');
  t.equal(nginxDirectory('/srv/a///', 'f'), '"/srv/a/"');
  t.equal(nginxDirectory('/srv/./x/../a', 'f'), '"/srv/a/"');
  for (const path of ['srv/a', '/', '//', '/srv/$a']) t.throws(() => nginxDirectory(path, 'f'), { code: 'STOWAGE_INVALID_CONFIG' }, path);
});

t.test('upstreamTarget: an origin only, so proxy_pass keeps the request URI', async (t) => {
  t.equal(upstreamTarget('http://127.0.0.1:8080', 'f'), 'http://127.0.0.1:8080');
  t.equal(upstreamTarget('http://127.0.0.1:8080/', 'f'), 'http://127.0.0.1:8080');
  t.equal(upstreamTarget('https://[::1]:8443', 'f'), 'https://[::1]:8443');
  t.equal(upstreamTarget('http://Node.Internal', 'f'), 'http://node.internal');
  for (const value of [
    'http://127.0.0.1:8080/media',
    'http://127.0.0.1:8080/a/..',
    'http://127.0.0.1:8080?x=1',
    'http://127.0.0.1:8080#x',
    'http://user:pw@127.0.0.1:8080',
    'ftp://127.0.0.1',
    'unix:/run/stowage.sock',
    '127.0.0.1:8080',
    'http://a_b.c:1',
    'not a url',
  ]) {
    t.throws(() => upstreamTarget(value, 'f'), { code: 'STOWAGE_INVALID_CONFIG' }, value);
  }
});

/** `location <match> { ... }` blocks of a server block, by their match. */
function locations(block: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of block.matchAll(/^ {4}location (.+) \{\n([\s\S]*?)^ {4}\}$/gm)) found.set(match[1] as string, match[2] as string);
  return found;
}

t.test('the server block: one honouring download location, closed others, internal aliases with matching slashes', async (t) => {
  const block = renderNginxServerBlock(parseServeConfig(TWO_SHARDS, '/'), { listen: 8081 });
  t.match(block, /^ {4}listen 127\.0\.0\.1:8081;$/m);
  t.match(block, /^upstream stowage_8081 \{\n {4}server 127\.0\.0\.1:8080;\n {4}keepalive 32;\n\}$/m, 'kept-alive connections to Stowage');
  const found = locations(block);
  t.same([...found.keys()], ['"/media/"', '= "/media"', '/', '"/_stowage/a/"', '"/_stowage/b/"']);
  for (const [match, body] of found) {
    if (match.startsWith('"/_stowage/')) {
      t.match(body, /^ {8}internal;$/m, `${match} is internal`);
      t.notMatch(body, /proxy_pass/, `${match} serves files only`);
      const alias = /alias (".*");/.exec(body)?.[1] as string;
      t.ok(unquote(match).endsWith('/') && unquote(alias).endsWith('/') && !unquote(alias).endsWith('//'), `${match}: slashes match`);
      t.match(body, /add_header ETag \$upstream_http_etag;/);
      t.match(body, /add_header Accept-Ranges \$stowage_partial_accept_ranges;/);
      t.match(body, /^ {8}open_file_cache max=256 inactive=60s;$/m, `${match}: hot blobs kept open`);
      t.match(body, /^ {8}open_file_cache_valid 30s;$/m);
      t.notMatch(body, /open_file_cache_errors/, `${match}: a failed lookup is not cached`);
      continue;
    }
    t.match(body, /^ {8}proxy_pass http:\/\/stowage_8081;$/m, `${match}: proxy_pass to the upstream, without a URI`);
    t.match(body, /^ {8}proxy_http_version 1\.1;$/m, `${match}: HTTP/1.1, so upstream connections can be kept`);
    t.match(body, /^ {8}proxy_set_header Connection "";$/m);
    const ignored = /proxy_ignore_headers (.*);/.exec(body)?.[1]?.split(' ') ?? [];
    t.equal(ignored.includes('X-Accel-Redirect'), match !== '"/media/"', `${match}: X-Accel-Redirect honoured only for downloads`);
    for (const header of ['X-Accel-Expires', 'X-Accel-Limit-Rate', 'X-Accel-Buffering', 'X-Accel-Charset']) t.ok(ignored.includes(header), `${match} ignores ${header}`);
    for (const header of ['X-Accel-Redirect', 'X-Accel-Limit-Rate', 'X-Sendfile']) t.match(body, new RegExp(`proxy_hide_header ${header};`));
    t.notMatch(body, /open_file_cache/, `${match}: no file cache where nothing is a blob`);
  }
  t.match(found.get('"/_stowage/b/"'), /alias "\/srv\/b b\/";/);
  t.notMatch(block, /\/srv\/c/, 'a streamed shard has no internal location');
  t.match(found.get('= "/media"'), /client_max_body_size 0;/);
  t.match(found.get('"/media/"'), /proxy_force_ranges on;/);
});

t.test('the server block for a root mount, a single root and the default upstream', async (t) => {
  const single = parseServeConfig(
    { host: '0.0.0.0', port: 9000, dataDir: '/data', mediaPrefix: '/', delivery: { mode: 'x-accel', internalPrefix: '/_blobs' } },
    '/',
  );
  const block = renderNginxServerBlock(single, { listen: 80 });
  t.same([...locations(block).keys()], ['"/"', '= "/"', '"/_blobs/"']);
  t.match(block, /proxy_pass http:\/\/stowage_80;/);
  t.match(block, /^ {4}server 127\.0\.0\.1:9000;$/m);
  t.match(block, /alias "\/data\/blobs\/";/, 'the default root is <dataDir>/blobs');
  t.match(renderNginxServerBlock({ ...single, host: '::' }, { listen: 80 }), /^ {4}server \[::1\]:9000;$/m);
  t.match(renderNginxServerBlock({ ...single, host: 'localhost' }, { listen: 80 }), /^ {4}server localhost:9000;$/m);
  const remote = renderNginxServerBlock({ ...single, port: 0 }, { listen: 81, upstream: 'http://10.0.0.2:1' });
  t.match(remote, /^upstream stowage_81 \{\n {4}server 10\.0\.0\.2:1;$/m);
  t.match(remote, /proxy_pass http:\/\/stowage_81;/);
  const https = renderNginxServerBlock({ ...single, port: 0 }, { listen: 82, upstream: 'https://node.internal' });
  t.match(https, /^ {4}server node\.internal:443;$/m, 'the scheme\'s default port, which nginx would not infer');
  t.match(https, /proxy_pass https:\/\/stowage_82;/);
  t.match(renderNginxServerBlock({ ...single, port: 0 }, { listen: 83, upstream: 'http://node.internal' }), /^ {4}server node\.internal:80;$/m);
  t.match(renderNginxServerBlock(parseServeConfig({}, '/'), { listen: 80 }), /# No shard uses x-accel delivery/);
});

t.test('the server block refuses what nginx cannot serve or would misparse', async (t) => {
  const x = (extra: object): object => ({ shards: [{ name: 'a', root: '/srv/a', delivery: { mode: 'x-accel', internalPrefix: '/_a' }, ...extra }] });
  const cases: [string, object, { listen: number; upstream?: string }][] = [
    ['x-sendfile shard', { root: '/srv/a', delivery: { mode: 'x-sendfile' } }, { listen: 80 }],
    ['x-accel without root or dataDir', { delivery: { mode: 'x-accel', internalPrefix: '/_a' } }, { listen: 80 }],
    ['a "$" in a root', x({ root: '/srv/$a' }), { listen: 80 }],
    ['a newline in a root', x({ root: '/srv/a\nb' }), { listen: 80 }],
    ['the data directory inside a root', { ...x({}), dataDir: '/srv/a/data' }, { listen: 80 }],
    ['port 0 without --upstream', { ...x({}), port: 0 }, { listen: 80 }],
    ['listen 0', x({}), { listen: 0 }],
    ['listen 65536', x({}), { listen: 65536 }],
    ['listen 1.5', x({}), { listen: 1.5 }],
    ['an upstream with a path', x({}), { listen: 80, upstream: 'http://127.0.0.1:1/app' }],
  ];
  for (const [label, value, options] of cases) {
    t.throws(() => renderNginxServerBlock(parseServeConfig(value, '/'), options), { code: 'STOWAGE_INVALID_CONFIG' }, label);
  }
});

t.test('the standalone nginx.conf', async (t) => {
  const server = renderNginxServerBlock(parseServeConfig(TWO_SHARDS, '/'), { listen: 8081 });
  const conf = renderStandaloneNginxConf({ directory: '/tmp/n x', servers: [server, server], user: 'root' });
  for (const line of ['daemon off;', 'user root;', 'pid "/tmp/n x/nginx.pid";', 'error_log "/tmp/n x/error.log" warn;', '    access_log off;']) {
    t.ok(conf.split('\n').includes(line), line);
  }
  for (const directive of ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path']) {
    t.match(conf, new RegExp(`^ {4}${directive} "/tmp/n x/`, 'm'));
  }
  t.equal(conf.split('map "$http_range').length, 2, 'the map once, for both servers');
  t.ok(conf.includes(NGINX_HTTP_MAPS.trimEnd().split('\n').map((line) => (line === '' ? '' : `    ${line}`)).join('\n')));
  t.notMatch(renderStandaloneNginxConf({ directory: '/tmp/n', servers: [] }), /^user /m);
  t.throws(() => renderStandaloneNginxConf({ directory: 'relative', servers: [] }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => renderStandaloneNginxConf({ directory: '/tmp/$x', servers: [] }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => renderStandaloneNginxConf({ directory: '/tmp/n', servers: [], user: 'root; daemon on' }), { code: 'STOWAGE_INVALID_CONFIG' });
});
