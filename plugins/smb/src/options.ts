import { StowageError } from '@stowage/core';

/** Options of `createSmbBackend`. */
export interface SmbBackendOptions {
  /** The server's host name or IP address. */
  readonly host: string;
  /** The server's TCP port. @defaultValue 445 */
  readonly port?: number;
  /** The share name (`media` for `\\server\media`). */
  readonly share: string;
  /**
   * The folder inside the share that holds the backend's files, `/`-separated, used as it is
   * (not encoded): an operator's name, not a key. `""` is the share's root. @defaultValue `""`
   */
  readonly root?: string;
  /** The account's user name. */
  readonly username: string;
  /** The account's password. Never logged, never serialized (not enumerable). */
  readonly password: string;
  /**
   * The account's domain. The NTLMv2 implementation (`@tryjsky/ntlm2`) authenticates without a
   * domain, which is what a standalone Samba server expects; the value is kept for `info` and
   * future use. @defaultValue `""`
   */
  readonly domain?: string;
  /** The instance name in `info.name` and error contexts. @defaultValue `"smb"` */
  readonly name?: string;
  /** Create the root folder (and its parents) when missing. @defaultValue true */
  readonly createRoot?: boolean;
  /**
   * Connections opened at most; operations share them (SMB multiplexes requests), a new one is
   * opened only while every open one is busy. @defaultValue 4
   */
  readonly maxConnections?: number;
  /** A connection unused this long is closed. @defaultValue 30000 */
  readonly idleTimeoutMs?: number;
  /** TCP connect plus the SMB handshake must finish within this. @defaultValue 10000 */
  readonly connectTimeoutMs?: number;
  /**
   * The deadline of each SMB operation on the wire (one request and its answer: an open, a
   * 64 KiB read or write, a rename). When it passes, the operation fails with
   * `STOWAGE_TIMEOUT` and the connection is dropped (its state is unknown); a whole transfer is
   * bounded by the caller (a `timeoutLayer` or an abort signal). It also bounds how long a
   * commit waits for other writers swapping the same file (then `STOWAGE_BUSY`). @defaultValue 30000
   */
  readonly operationTimeoutMs?: number;
  /** Requests outstanding at once on one connection (64 KiB each for reads and writes); a transfer uses half. @defaultValue 32 */
  readonly requestsInFlight?: number;
  /**
   * How many times a commit rename refused with a sharing violation or "access denied" (the
   * target is held open) is tried before the backend moves the old file aside. @defaultValue 4
   */
  readonly renameAttempts?: number;
  /** The first wait between those tries; it doubles each time. @defaultValue 20 */
  readonly renameRetryDelayMs?: number;
  /**
   * How a partial upload is verified before the rename that commits it: `'digest'` reads it back
   * and compares its SHA-256 with the bytes sent (and its size); `'size'` compares only the size
   * the server reports (half the traffic, no end-to-end check of the bytes). @defaultValue 'digest'
   */
  readonly verifyWrites?: 'digest' | 'size';
}

/** The credentials, with the password not enumerable (kept out of logs and JSON). */
export interface SmbCredentials {
  readonly domain: string;
  readonly username: string;
  readonly password: string;
}

/** {@link SmbBackendOptions} after validation: defaults filled in, root split, frozen. */
export interface ResolvedSmbOptions {
  readonly host: string;
  readonly port: number;
  readonly share: string;
  /** The root folder's segments, as given. */
  readonly root: readonly string[];
  readonly credentials: SmbCredentials;
  readonly name: string;
  readonly createRoot: boolean;
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly operationTimeoutMs: number;
  readonly requestsInFlight: number;
  readonly renameAttempts: number;
  readonly renameRetryDelayMs: number;
  readonly verifyWrites: 'digest' | 'size';
}

const FORBIDDEN_IN_NAMES = /[\\/:*?"<>|\x00-\x1f]/;

function invalid(field: string, expectation: string): never {
  throw new StowageError('STOWAGE_INVALID_CONFIG', `smb backend: ${field} ${expectation}`);
}

function text(value: unknown, field: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string') invalid(field, 'must be a string');
  return value;
}

function integer(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    invalid(field, `must be an integer from ${String(min)} to ${String(max)}`);
  }
  return value;
}

function rootSegments(value: unknown): string[] {
  const root = text(value, 'root', '');
  const segments = root.split('/').filter((segment) => segment !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || FORBIDDEN_IN_NAMES.test(segment)) {
      invalid('root', 'must be a /-separated folder path without ".", ".." or characters SMB rejects');
    }
  }
  return segments;
}

/**
 * Validates the options of the SMB backend once, fills in the defaults and freezes them. The
 * password ends up in a non-enumerable property of `credentials`.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the field.
 */
export function parseSmbOptions(input: unknown): ResolvedSmbOptions {
  if (typeof input !== 'object' || input === null) invalid('options', 'must be an object');
  const options = input as Record<string, unknown>;
  const host = text(options['host'], 'host');
  if (host === '' || /[\s\\/]/.test(host)) invalid('host', 'must be a host name or an IP address');
  const share = text(options['share'], 'share');
  if (share === '' || FORBIDDEN_IN_NAMES.test(share)) invalid('share', 'must be a share name');
  const username = text(options['username'], 'username');
  if (username === '') invalid('username', 'must not be empty');
  const password = text(options['password'], 'password');
  const name = text(options['name'], 'name', 'smb');
  if (name === '') invalid('name', 'must not be empty');
  const createRoot = options['createRoot'] ?? true;
  if (typeof createRoot !== 'boolean') invalid('createRoot', 'must be a boolean');
  const verifyWrites = options['verifyWrites'] ?? 'digest';
  if (verifyWrites !== 'digest' && verifyWrites !== 'size') invalid('verifyWrites', 'must be "digest" or "size"');
  const credentials = { domain: text(options['domain'], 'domain', ''), username } as SmbCredentials;
  Object.defineProperty(credentials, 'password', { value: password, enumerable: false });
  return Object.freeze({
    host,
    port: integer(options['port'], 'port', 445, 1, 65_535),
    share,
    root: Object.freeze(rootSegments(options['root'])),
    credentials: Object.freeze(credentials),
    name,
    createRoot,
    maxConnections: integer(options['maxConnections'], 'maxConnections', 4, 1, 64),
    idleTimeoutMs: integer(options['idleTimeoutMs'], 'idleTimeoutMs', 30_000, 0, 86_400_000),
    connectTimeoutMs: integer(options['connectTimeoutMs'], 'connectTimeoutMs', 10_000, 1, 600_000),
    operationTimeoutMs: integer(options['operationTimeoutMs'], 'operationTimeoutMs', 30_000, 1, 600_000),
    requestsInFlight: integer(options['requestsInFlight'], 'requestsInFlight', 32, 2, 256),
    renameAttempts: integer(options['renameAttempts'], 'renameAttempts', 4, 1, 20),
    renameRetryDelayMs: integer(options['renameRetryDelayMs'], 'renameRetryDelayMs', 20, 0, 10_000),
    verifyWrites,
  });
}
