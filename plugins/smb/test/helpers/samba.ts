import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Where Debian installs the Samba tools. */
export const SMBD = '/usr/sbin/smbd';
export const SMBPASSWD = '/usr/bin/smbpasswd';
export const SMBCLIENT = '/usr/bin/smbclient';

/** The share every test server exports. */
export const SHARE = 'stowage';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether the tests must run whatever the machine lacks: `CI` is set (and not `false` or `0`). */
export function requiredByCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * The tap options of a test that needs a real smbd: in CI it always runs (and fails loudly when
 * Samba is missing); on a developer machine without smbd, smbpasswd or smbclient, or when not
 * root (smbd serves files as the users it authenticates), it is skipped with the reason.
 */
export function sambaRequirement(): { skip?: string } {
  if (requiredByCi()) return {};
  const missing = [SMBD, SMBPASSWD, SMBCLIENT].filter((path) => !executable(path));
  if (missing.length > 0) return { skip: `Samba is not installed (${missing.join(', ')} missing; required when CI is set)` };
  if (process.getuid?.() !== 0) return { skip: 'smbd must run as root to serve files (required when CI is set)' };
  return {};
}

/** A free TCP port on 127.0.0.1 (closed again, so smbd can bind it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Whether the socket listening on 127.0.0.1:`port` belongs to process `pid` (Linux: the socket's
 * inode in /proc/net/tcp among the process's descriptors). A port picked by {@link freePort} is
 * free only until someone binds it: another process may have taken it before smbd did, and
 * connecting to it would then reach that process instead.
 */
async function listenerOwnedBy(pid: number, port: number): Promise<boolean> {
  const address = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const table = await readFile('/proc/net/tcp', 'utf8');
  const inodes = new Set(
    table
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1] === address && fields[3] === '0A')
      .map((fields) => fields[9]),
  );
  const descriptors = await readdir(`/proc/${String(pid)}/fd`).catch(() => []);
  for (const fd of descriptors) {
    const link = await readlink(`/proc/${String(pid)}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode !== undefined && inodes.has(inode)) return true;
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Why a start of smbd failed that a start on another port may not. */
const PORT_TAKEN = 'PORT_TAKEN';

/** A private smbd on 127.0.0.1, with its own configuration, state and share in a temporary folder. */
export interface SambaServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly share: string;
  readonly username: string;
  readonly password: string;
  /** The shared folder on this host (for setup and teardown that bypass SMB). */
  readonly sharePath: string;
  /** The folder holding the configuration, state and logs. */
  readonly directory: string;
  /** The pid of the running smbd parent, or `undefined` when stopped. */
  readonly pid: number | undefined;
  /** Kills smbd and every child it forked (its process group), with `signal`, and waits for them to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts smbd again on the same port with the same configuration (after `kill`). */
  start(): Promise<void>;
  /** Kills smbd and removes the temporary folder. */
  stop(): Promise<void>;
}

function configuration(directory: string, port: number, user: string): string {
  const at = (name: string): string => join(directory, name);
  return `[global]
  netbios name = STOWAGETEST
  workgroup = WORKGROUP
  server role = standalone server
  # Loopback only, on a port of our own.
  interfaces = lo
  bind interfaces only = yes
  smb ports = ${String(port)}
  disable netbios = yes
  # Everything smbd writes stays in the temporary folder.
  lock directory = ${at('lock')}
  state directory = ${at('state')}
  cache directory = ${at('cache')}
  pid directory = ${at('pid')}
  private dir = ${at('private')}
  ncalrpc dir = ${at('ncalrpc')}
  log file = ${at('log')}/smbd.log
  max log size = 0
  log level = 1
  passdb backend = tdbsam:${at('private')}/passdb.tdb
  map to guest = never
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  # No interim (STATUS_PENDING) answers: the JS client library mishandles them.
  aio read size = 0
  aio write size = 0
  server min protocol = SMB2_02

[${SHARE}]
  path = ${at('share')}
  read only = no
  # Files belong to the account running the tests, whoever authenticates.
  force user = ${user}
  create mask = 0644
  directory mask = 0755
  # Renames and deletes are decided by Samba's own ACLs, not the Unix permissions of the folder.
  vfs objects = acl_xattr
  acl_xattr:ignore system acls = yes
`;
}

/**
 * Starts a private smbd: writes a `smb.conf` in a temporary folder (its own lock, state, cache,
 * pid, private and log folders; loopback only; a free port), adds the current Unix user with
 * `smbpasswd` to its private password database, starts smbd detached with
 * `--foreground --no-process-group` (so its forked children share its process group) and waits
 * until it accepts connections.
 */
export async function startSamba(): Promise<SambaServer> {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-smbd-'));
  for (const name of ['lock', 'state', 'cache', 'pid', 'private', 'log', 'ncalrpc', 'share']) {
    await mkdir(join(directory, name), { recursive: true });
  }
  const username = userInfo().username;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let port = 0;
  const conf = join(directory, 'smb.conf');
  let pid: number | undefined;

  /** Starts smbd on `port`; `PORT_TAKEN` when smbd exited or another process answers there. */
  const start = async (): Promise<void> => {
    const log = openSync(join(directory, 'log', 'stdout.log'), 'a');
    const child = spawn(SMBD, [`--configfile=${conf}`, '--foreground', '--no-process-group', '--debug-stdout'], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.unref();
    if (child.pid === undefined) throw new Error('smbd did not start');
    pid = child.pid;
    for (let waited = 0; !(await listening(port)); waited += 50) {
      if (waited > 15_000 || !alive(child.pid)) throw new Error(`smbd did not come up on port ${String(port)} (see ${directory}/log)`);
      await delay(50);
    }
    // Something answers: if it is not smbd, smbd could not bind the port (it logs that and
    // runs on without a listener).
    if (!(await listenerOwnedBy(child.pid, port))) {
      throw Object.assign(new Error(`another process listens on port ${String(port)}`), { code: PORT_TAKEN });
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const group = pid;
    if (group === undefined) return;
    pid = undefined;
    try {
      process.kill(-group, signal);
    } catch {
      return;
    }
    for (let waited = 0; alive(group); waited += 20) {
      if (waited > 5_000) process.kill(-group, 'SIGKILL');
      await delay(20);
    }
    // Children of the group may outlive the parent for a moment.
    for (let waited = 0; waited < 2_000; waited += 20) {
      try {
        process.kill(-group, 0);
      } catch {
        return;
      }
      await delay(20);
    }
  };

  // smbd binds the port some time after freePort() let it go: if another process took it first,
  // smbd exits (or never owns the listener), and a new port is tried.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    await writeFile(conf, configuration(directory, port, username));
    if (attempt === 1) {
      execFileSync(SMBPASSWD, ['-c', conf, '-a', '-s', username], { input: `${password}\n${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
    }
    try {
      await start();
      break;
    } catch (error) {
      await kill();
      if (attempt < 5 && (error as { code?: unknown }).code === PORT_TAKEN) continue;
      await rm(directory, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    host: '127.0.0.1',
    port,
    share: SHARE,
    username,
    password,
    sharePath: join(directory, 'share'),
    directory,
    get pid() {
      return pid;
    },
    kill,
    start,
    stop: async () => {
      await kill('SIGTERM');
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The options of `createSmbBackend` that point at `server`. */
export function backendOptions(server: SambaServer, root: string): {
  host: string;
  port: number;
  share: string;
  username: string;
  password: string;
  root: string;
} {
  return { host: server.host, port: server.port, share: server.share, username: server.username, password: server.password, root };
}
