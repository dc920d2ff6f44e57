import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A CouchDB-like `_session` stand-in on 127.0.0.1, for forward-auth tests. */
export interface SessionServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The headers of every request received, in order. */
  readonly received: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A known user of the stand-in: who a session cookie or a Basic password belongs to. */
export interface SessionUser {
  readonly name: string;
  readonly roles: readonly string[];
  readonly cookie: string;
  readonly password: string;
}

/**
 * Starts the stand-in. Routes:
 * - `/_session`: like CouchDB, 200 `{ ok, userCtx }` for a known `AuthSession` cookie or Basic
 *   password, 200 with `name: null` for no credentials or an unknown cookie, 401 for a wrong
 *   Basic password.
 * - `/forbidden` 403; `/status/<n>` answers status n (with `Retry-After: 7`); `/redirect` 302;
 *   `/not-json` a non-JSON 200; `/huge` a 200 of 100 KiB; `/odd` JSON of another shape;
 *   `/slow` never answers (until closed).
 */
export async function startSessionServer(users: readonly SessionUser[]): Promise<SessionServer> {
  const received: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    received.push(request.headers);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (path === '/slow') return;
    if (path === '/forbidden') return json(403, { error: 'forbidden' });
    if (path === '/redirect') {
      response.writeHead(302, { location: '/_session' });
      response.end();
      return;
    }
    if (path.startsWith('/status/')) {
      response.writeHead(Number(path.slice('/status/'.length)), { 'retry-after': '7' });
      response.end('{}');
      return;
    }
    if (path === '/not-json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok": tru');
      return;
    }
    if (path === '/huge') return json(200, { ok: true, padding: 'x'.repeat(100 * 1024) });
    if (path === '/odd') return json(200, { user: 'alice' });
    json(...session(users, request.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function session(users: readonly SessionUser[], headers: IncomingHttpHeaders): [number, unknown] {
  const anonymous: [number, unknown] = [200, { ok: true, userCtx: { name: null, roles: [] } }];
  const userCtx = (user: SessionUser): [number, unknown] => [200, { ok: true, userCtx: { name: user.name, roles: user.roles } }];
  const authorization = headers.authorization;
  if (authorization !== undefined && authorization.startsWith('Basic ')) {
    const [name, ...rest] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
    const user = users.find((candidate) => candidate.name === name && candidate.password === rest.join(':'));
    return user === undefined ? [401, { error: 'unauthorized', reason: 'Name or password is incorrect.' }] : userCtx(user);
  }
  const cookie = /(?:^|;\s*)AuthSession=([^;]*)/.exec(headers.cookie ?? '')?.[1];
  const user = users.find((candidate) => candidate.cookie === cookie);
  return user === undefined ? anonymous : userCtx(user);
}
