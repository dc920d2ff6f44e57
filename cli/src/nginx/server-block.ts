import { join } from 'node:path';
import type { ServeConfig } from '../config/serve-config.js';
import { checkDataOutsideRoots, type ShardConfig } from '../config/storage-config.js';
import { invalidField } from '../config/config-fields.js';
import { nginxDirectory, nginxString, upstreamTarget } from './nginx-syntax.js';

/** Options of {@link renderNginxServerBlock}. */
export interface NginxServerBlockOptions {
  /** The port nginx listens on, on 127.0.0.1. */
  readonly listen: number;
  /** Where Stowage listens, `http://host:port`. @defaultValue the configuration's host and port */
  readonly upstream?: string | undefined;
}

const X_ACCEL_HEADERS = ['X-Accel-Redirect', 'X-Accel-Expires', 'X-Accel-Limit-Rate', 'X-Accel-Buffering', 'X-Accel-Charset'];

// What Node sends with an X-Accel-Redirect answer that nginx does not carry over to the file it
// serves (it copies Content-Type, Content-Disposition, Cache-Control and Accept-Ranges itself).
// `add_header ETag` and `Last-Modified` replace nginx's own validators of the file.
const RESTORED_HEADERS = ['ETag', 'Last-Modified', 'X-Content-Type-Options', 'Content-Security-Policy'];

/**
 * The open-file cache of each internal location (one cache per location and worker): at most 256
 * descriptors, a small share of a default 1,024-descriptor limit; an entry used more than 30 s
 * after its last check is checked against the file system again. nginx has no timer: entries
 * unused for a minute are closed as later downloads through the location finish, or at a reload.
 */
const OPEN_FILE_CACHE_ENTRIES = 256;
const OPEN_FILE_CACHE_INACTIVE = '60s';
const OPEN_FILE_CACHE_VALID = '30s';

/** The variable {@link NGINX_HTTP_MAPS} defines. */
const PARTIAL_ACCEPT_RANGES = '$stowage_partial_accept_ranges';

/**
 * The http-level `map` the server blocks of {@link renderNginxServerBlock} need, once per http
 * block. nginx adds its own `Accept-Ranges: bytes` to a 200 of a file but not to a 206, where
 * Stowage sends one; it may not copy Stowage's either (it would repeat it on a 200). So the
 * internal locations add it exactly when nginx is about to answer 206: one `bytes=` range, and
 * no `If-Range` or one equal to Stowage's `ETag` or `Last-Modified` (a 416 gets no `add_header`).
 */
export const NGINX_HTTP_MAPS = [
  '# Accept-Ranges on the 206 answers of X-Accel files (nginx adds it to the 200 ones itself).',
  `map "$http_range|$http_if_range|$upstream_http_etag|$upstream_http_last_modified" ${PARTIAL_ACCEPT_RANGES} {`,
  '    default "";',
  '    "~*^bytes=\\s*(?:\\d+-\\d*|-\\d+)\\s*\\|\\|" bytes;',
  '    "~*^bytes=\\s*(?:\\d+-\\d*|-\\d+)\\s*\\|([^|]+)\\|(?:\\1\\||[^|]*\\|\\1$)" bytes;',
  '}',
  '',
].join('\n');

function defaultUpstream(config: ServeConfig): string {
  if (config.port === 0) throw invalidField('--upstream', 'is required when config.port is 0');
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/**
 * The `upstream` block the server block's locations proxy to, named after the listen port (one
 * per server block), with idle keep-alive connections: without it nginx opens a new connection
 * to Node for every request, which at 4 KiB costs more than Stowage's own work. (It also needs
 * `proxy_http_version 1.1` and an empty `Connection` header, set in every location, and a body
 * nginx can read to its end, which is why Stowage's X-Accel answers carry `Content-Length: 0`.)
 */
function upstreamBlock(name: string, target: string): string[] {
  const url = new URL(target);
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  return [
    '# Stowage itself; idle connections are kept for the next requests.',
    `upstream ${name} {`,
    `    server ${url.hostname}:${port};`,
    '    keepalive 32;',
    '}',
  ];
}

function proxyLines(target: string, honoured: boolean): string[] {
  const ignored = honoured ? X_ACCEL_HEADERS.slice(1) : X_ACCEL_HEADERS;
  return [
    // No URI after the host: nginx passes the client's request URI as it came, byte for byte.
    `proxy_pass ${target};`,
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'proxy_set_header Host $host;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    `proxy_ignore_headers ${ignored.join(' ')};`,
    ...[...X_ACCEL_HEADERS, 'X-Sendfile'].map((header) => `proxy_hide_header ${header};`),
  ];
}

function internalLocation(shard: ShardConfig, internalPrefix: string, root: string, field: string): string[] {
  return [
    `# Shard "${shard.name}": reachable only through an X-Accel-Redirect of the download location.`,
    `location ${nginxString(`${internalPrefix}/`, `${field}.delivery.internalPrefix`)} {`,
    '    internal;',
    `    alias ${nginxDirectory(root, `${field}.root`)};`,
    '    disable_symlinks on from=$document_root;',
    // Blobs are content-addressed (a path always holds the same bytes), so nginx may keep a hot
    // blob's descriptor open between requests instead of opening it, and with disable_symlinks
    // each folder above it, for every download. Failed lookups are not cached (nginx's default):
    // a blob that appears is served at once.
    '    # Hot blobs kept open. On a network mount (CIFS, NFS) remove these two lines: a kept',
    '    # descriptor holds the server-side file open, and a removed blob with it.',
    `    open_file_cache max=${OPEN_FILE_CACHE_ENTRIES} inactive=${OPEN_FILE_CACHE_INACTIVE};`,
    `    open_file_cache_valid ${OPEN_FILE_CACHE_VALID};`,
    // Stowage answered If-None-Match / If-Modified-Since already; nginx's own validators of the
    // file (mtime, size) must not answer 304 for it.
    '    etag off;',
    '    if_modified_since off;',
    // One range is 206; several are answered 200 with the whole body, as Stowage does.
    '    max_ranges 1;',
    ...RESTORED_HEADERS.map((header) => `    add_header ${header} $upstream_http_${header.toLowerCase().replaceAll('-', '_')};`),
    `    add_header Accept-Ranges ${PARTIAL_ACCEPT_RANGES};`,
    '}',
  ];
}

function location(match: string, comment: string, lines: readonly string[]): string[] {
  return [`# ${comment}`, `location ${match} {`, ...lines.map((line) => `    ${line}`), '}'];
}

/**
 * The nginx `server { ... }` block that fronts Stowage with X-Accel-Redirect delivery, after
 * the `upstream stowage_<listen> { ... }` block it proxies to (both belong in the `http` block).
 *
 * Behavior:
 * - Listens on `127.0.0.1:<listen>`; every location proxies to the upstream (`upstream`, kept
 *   alive with up to 32 idle connections) with `proxy_pass` without a URI, so the encoded path
 *   reaches Node unchanged.
 * - `<mediaPrefix>/` (downloads) is the only location that honours `X-Accel-Redirect`;
 *   `= <mediaPrefix>` (uploads, streamed: `proxy_request_buffering off`, no nginx body limit,
 *   Node enforces its own) and `/` (the rest of the application) ignore every `X-Accel-*`
 *   header, and no location passes one (or `X-Sendfile`) to the client.
 * - One `internal;` location per x-accel shard: `location "<internalPrefix>/" { alias "<root>/"; }`
 *   with matching trailing slashes, symlinks refused below the root, nginx's validators off
 *   and Stowage's `ETag`, `Last-Modified`, `X-Content-Type-Options` and
 *   `Content-Security-Policy` restored, so the headers match the Node-served ones; an
 *   `open_file_cache` of 256 descriptors per location and worker (blobs are content-addressed,
 *   so a kept descriptor serves the bytes its path named at its last check; failed lookups are
 *   not cached).
 * - Downloads use `proxy_force_ranges on`: nginx owns the ranges of x-accel files (and does not
 *   repeat Node's `Accept-Ranges`).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the field: an x-sendfile shard (nginx does not
 * understand it), an x-accel shard without a known root (no `root` and no `dataDir`), a value
 * nginx would misparse, a bad `listen` or `upstream`, the data directory inside a root.
 */
export function renderNginxServerBlock(config: ServeConfig, options: NginxServerBlockOptions): string {
  if (!Number.isInteger(options.listen) || options.listen < 1 || options.listen > 65535) {
    throw invalidField('--listen', 'must be an integer from 1 to 65535');
  }
  const origin = upstreamTarget(options.upstream ?? defaultUpstream(config), '--upstream');
  const upstreamName = `stowage_${options.listen}`;
  const target = `${new URL(origin).protocol}//${upstreamName}`;
  if (config.dataDir !== undefined) checkDataOutsideRoots(config.dataDir, config.storage);
  const internals = config.storage.shards.flatMap((shard, index) => {
    const field = config.storage.single ? 'config' : `config.shards[${index}]`;
    if (shard.delivery.mode === 'x-sendfile') throw invalidField(`${field}.delivery.mode`, 'x-sendfile is for Apache or lighttpd, not nginx');
    if (shard.delivery.mode !== 'x-accel') return [];
    const root = shard.root ?? (config.dataDir === undefined ? undefined : join(config.dataDir, 'blobs'));
    if (root === undefined) throw invalidField(`${field}.root`, 'is required (or config.dataDir) for an x-accel shard');
    return ['', ...internalLocation(shard, shard.delivery.internalPrefix, root, field)];
  });
  const prefix = config.mediaPrefix;
  const lines = [
    `listen 127.0.0.1:${options.listen};`,
    '',
    ...location(nginxString(`${prefix}/`, 'config.mediaPrefix'), 'Downloads: Stowage authorizes, then answers X-Accel-Redirect for x-accel shards.', [
      ...proxyLines(target, true),
      'proxy_force_ranges on;',
    ]),
    '',
    ...location(`= ${nginxString(prefix === '' ? '/' : prefix, 'config.mediaPrefix')}`, 'Uploads: streamed to Stowage, which enforces every limit.', [
      ...proxyLines(target, false),
      'client_max_body_size 0;',
      'proxy_request_buffering off;',
    ]),
    ...(prefix === '' ? [] : ['', ...location('/', 'The rest of the application: X-Accel-* is never honoured here.', proxyLines(target, false))]),
    ...internals,
  ];
  const header = [
    '# nginx in front of Stowage with X-Accel-Redirect delivery (generated by `stowage nginx-config`).',
    ...(internals.length === 0 ? ['# No shard uses x-accel delivery: nginx only proxies.'] : []),
  ];
  return [...header, ...upstreamBlock(upstreamName, origin), '', 'server {', ...lines.map((line) => (line === '' ? '' : `    ${line}`)), '}', ''].join('\n');
}
