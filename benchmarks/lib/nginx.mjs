// nginx from a private configuration in the run's work folder, on 127.0.0.1 only: static files
// with sendfile under /static/ and the bare X-Accel app under /bare/ with its internal location,
// and on a second port of the same nginx Stowage as operators run it: the server block
// `stowage nginx-config` writes (its validators, security headers and ranges restored on the
// file nginx sends). Started in the foreground as a child (`daemon off`), so its master and
// workers can be read from /proc; stopped with SIGQUIT.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NGINX_HTTP_MAPS, parseServeConfig, renderNginxServerBlock } from '@stowage/cli';

/** The nginx binary, or `undefined` when none is installed. */
export function findNginx() {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx', 'nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Try the next one.
    }
  }
  return undefined;
}

/** `nginx -v` as one line, or `null`. */
export function nginxVersion(binary) {
  // nginx prints its version on stderr.
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || null;
}

function upstream(name, port) {
  return `  upstream ${name} {\n    server 127.0.0.1:${port};\n    keepalive 64;\n  }\n`;
}

/** `text` indented by two spaces (inside the http block). */
function indent(text) {
  return `${text
    .split('\n')
    .map((line) => (line === '' ? '' : `  ${line}`))
    .join('\n')}\n`;
}

const PROXY = 'proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host;';

/**
 * The http-level map and the server block `stowage nginx-config` writes for the Stowage subject
 * (one local shard in x-accel mode at `blobRoot`, as `subjects/stowage.mjs` composes it),
 * listening on `listen` and proxying to the app on `appPort`.
 */
function stowageServer(blobRoot, listen, appPort) {
  const config = parseServeConfig({ host: '127.0.0.1', port: appPort, root: blobRoot, delivery: { mode: 'x-accel', internalPrefix: '/_blobs/default' } }, blobRoot);
  return `${NGINX_HTTP_MAPS}\n${renderNginxServerBlock(config, { listen, upstream: `http://127.0.0.1:${appPort}` })}`;
}

/**
 * Writes `<dir>/nginx.conf` and returns its path. `stowagePort`/`barePort` may be `undefined`
 * (that app did not start): its server or locations are left out. Stowage's server listens on
 * `stowageListen`.
 */
export function writeNginxConfig({ dir, port, stowageListen, filesDir, blobRoot, stowagePort, barePort }) {
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  // As root the workers would otherwise switch to `nobody`, who cannot read the private folders.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const text = `# Written by benchmarks/lib/nginx.mjs for one harness run; deleted with the run's folder.
${user}worker_processes auto;
daemon off;
master_process on;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events {
  worker_connections 4096;
}
http {
  access_log off;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${barePort === undefined ? '' : upstream('bare', barePort)}${stowagePort === undefined ? '' : indent(stowageServer(blobRoot, stowageListen, stowagePort))}  server {
    listen 127.0.0.1:${port};
    location /static/ {
      alias ${filesDir}/;
    }
${
  barePort === undefined
    ? ''
    : `    location /bare/ {
      ${PROXY}
      proxy_pass http://bare;
    }
    location /_files/ {
      internal;
      alias ${filesDir}/;
    }
`
}  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, text);
  return file;
}
