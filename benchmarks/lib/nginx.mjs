// nginx from a private configuration in the run's work folder, on 127.0.0.1 only: static files
// with sendfile under /static/, and each X-Accel app behind the server block `stowage nginx-config`
// writes, on a port of its own in the same nginx: Stowage as operators run it (nginx's validators
// off; Stowage's validators, security headers and ranges restored on the file nginx sends), and
// the bare app behind the same directives, so the X-Accel ratio compares the apps and not two
// nginx configurations. Started in the foreground as a child (`daemon off`), so its master and
// workers can be read from /proc; stopped with SIGQUIT.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** `text` indented by two spaces (inside the http block). */
function indent(text) {
  return `${text
    .split('\n')
    .map((line) => (line === '' ? '' : `  ${line}`))
    .join('\n')}\n`;
}

/**
 * An X-Accel app fronted by nginx: its app port, the port its server block listens on, its media
 * prefix, and the internal prefix and folder of the files it redirects to.
 * @typedef {{ appPort: number, listen: number, mediaPrefix: string, internalPrefix: string, root: string }} FrontedApp
 */

/**
 * The server block `stowage nginx-config` writes for `app` (one local shard in x-accel mode), as
 * `renderNginxServerBlock` builds it. The CLI is loaded only when an app is fronted.
 */
async function serverBlockFor(app) {
  const { parseServeConfig, renderNginxServerBlock } = await import('@stowage/cli');
  const config = parseServeConfig(
    { host: '127.0.0.1', port: app.appPort, mediaPrefix: app.mediaPrefix, root: app.root, delivery: { mode: 'x-accel', internalPrefix: app.internalPrefix } },
    app.root,
  );
  return renderNginxServerBlock(config, { listen: app.listen, upstream: `http://127.0.0.1:${app.appPort}` });
}

/**
 * Writes `<dir>/nginx.conf` and resolves `{ file, failed }`. `apps` maps a name to a
 * {@link FrontedApp} (an app that did not start is absent); an app whose server block cannot be
 * built is left out and named in `failed` with the reason, and the rest still runs.
 */
export async function writeNginxConfig({ dir, port, filesDir, apps }) {
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const blocks = [];
  const failed = new Map();
  for (const [name, app] of Object.entries(apps)) {
    try {
      blocks.push(await serverBlockFor(app));
    } catch (error) {
      failed.set(name, `its nginx server block could not be built: ${error.message}`);
    }
  }
  const { NGINX_HTTP_MAPS } = blocks.length === 0 ? { NGINX_HTTP_MAPS: '' } : await import('@stowage/cli');
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
${blocks.length === 0 ? '' : indent([NGINX_HTTP_MAPS, ...blocks].join('\n'))}  server {
    listen 127.0.0.1:${port};
    location /static/ {
      alias ${filesDir}/;
    }
  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, text);
  return { file, failed };
}
