import assert from 'node:assert/strict';
import { createHandler, createMemoryCatalog, createStowage, tokenAuth, type Catalog, type HandlerLimits, type MediaHandler, type Stowage } from '@stowage/core';
import { ContractBackend } from './contract-backend.js';
import type { RawResponse } from './raw-request.js';

/** An adapter under test, listening on 127.0.0.1. */
export interface HttpSubject {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Bearer tokens of the contract's two principals. */
export const CONTRACT_TOKENS = Object.freeze({ alice: 'alice-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef0' });

/** The bounds the contract's handler runs with (small, so the limit cases stay fast). */
export const CONTRACT_LIMITS = Object.freeze({
  uploads: Object.freeze({ maxFiles: 8, maxFileBytes: 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024, maxFields: 8, idleTimeoutMs: 1000 }),
  handler: Object.freeze({ maxConcurrentRequests: 16, maxQueuedRequests: 0, retryAfterSeconds: 2, sendIdleTimeoutMs: 1000 }),
});

/** `Authorization` for one of {@link CONTRACT_TOKENS}. */
export const bearer = (name: keyof typeof CONTRACT_TOKENS): Record<string, string> => ({ authorization: `Bearer ${CONTRACT_TOKENS[name]}` });

/** A stored file's URL parts. */
export interface StoredKey {
  readonly id: string;
  readonly filename: string;
}

/** What every contract case gets: a fresh store with three entries, behind the adapter. */
export interface ContractFixture {
  readonly stowage: Stowage;
  readonly backend: ContractBackend;
  readonly catalog: Catalog;
  readonly subject: HttpSubject;
  /** `digits.txt`, public, `0123456789`. */
  readonly publicKey: StoredKey;
  /** `secret notes ü.txt`, private to alice. */
  readonly privateKey: StoredKey;
  /** `page.html`, public, holding a script. */
  readonly htmlKey: StoredKey;
  /** Stores a file as alice. */
  put(filename: string, bytes: Buffer | string, visibility: 'public' | 'private', contentType?: string): Promise<StoredKey>;
  /** Every `id/filename` the catalog lists (uploads that must not have been committed are checked with it). */
  keys(): Promise<string[]>;
}

/** The digits of the public entry. */
export const DIGITS = '0123456789';

/**
 * Builds a fresh {@link ContractFixture} around the adapter `start` returns; the handler runs
 * with {@link CONTRACT_LIMITS}, its `handler` limits overridden field by field by `handlerLimits`.
 */
export async function contractFixture(start: (handler: MediaHandler) => Promise<HttpSubject>, handlerLimits: Partial<HandlerLimits> = {}): Promise<ContractFixture> {
  const backend = new ContractBackend();
  const catalog = createMemoryCatalog();
  const stowage = createStowage({
    backends: backend,
    catalog,
    salt: 'http-contract-salt-0123456789',
    // Uploads need a known principal: anonymous ones would belong to nobody.
    permissions: { canUpload: (principal) => principal !== null },
  });
  const put = async (filename: string, bytes: Buffer | string, visibility: 'public' | 'private', contentType?: string): Promise<StoredKey> => {
    const result = await stowage.put(
      { filename, source: [Buffer.from(bytes)], ...(contentType === undefined ? {} : { contentType }) },
      { principal: { name: 'alice' }, visibility },
    );
    return { id: result.id, filename: result.entries[0]?.filename ?? filename };
  };
  const publicKey = await put('digits.txt', DIGITS, 'public');
  const privateKey = await put('secret notes ü.txt', 'for alice only', 'private');
  const htmlKey = await put('page.html', '<script>alert(1)</script>', 'public');
  const handler = createHandler(stowage, {
    auth: [tokenAuth({ tokens: { [CONTRACT_TOKENS.alice]: 'alice', [CONTRACT_TOKENS.bob]: 'bob' } })],
    uploads: CONTRACT_LIMITS.uploads,
    limits: { ...CONTRACT_LIMITS.handler, ...handlerLimits },
  });
  const subject = await start(handler);
  return {
    stowage,
    backend,
    catalog,
    subject,
    publicKey,
    privateKey,
    htmlKey,
    put,
    async keys() {
      const keys: string[] = [];
      for await (const entry of catalog.scanEntries()) keys.push(`${entry.id}/${entry.filename}`);
      return keys.sort();
    },
  };
}

/** `/media/<id>/<filename percent-encoded>` */
export const target = (key: StoredKey): string => `/media/${key.id}/${encodeURIComponent(key.filename)}`;

/** One header's value, repeated values joined. */
export function header(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `true` when the answer came from the application's fallback, not the profile. */
export const fromApplication = (response: RawResponse): boolean => header(response, 'x-fallback') === 'app';

/** Asserts a JSON error answer: status, code, `nosniff`, and no stack, cause or server path. */
export function assertJsonError(response: RawResponse, status: number, code?: string): void {
  assert.equal(response.status, status, `status for ${code ?? 'an error'}`);
  assert.match(header(response, 'content-type') ?? '', /^application\/json/);
  assert.equal(header(response, 'x-content-type-options'), 'nosniff');
  const body = JSON.parse(response.body.toString()) as { error?: unknown; code?: unknown; stack?: unknown };
  assert.equal(typeof body.error, 'string');
  if (code !== undefined) assert.equal(body.code, code);
  assert.equal(body.stack, undefined);
  assert.doesNotMatch(response.body.toString(), /\/(?:tmp|home|root|work|srv)\/|at [\w.<>]+ \(/, 'no server paths or stack frames');
}

/**
 * Polls `check` (10 ms apart, at most `tries` times) until it holds: for effects the server
 * completes after the client has seen its side (a released slot, a closed read).
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, tries = 300): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`${what} did not happen within ${tries} polls`);
}

/** One case of the HTTP contract; each runs on a fresh {@link ContractFixture}. */
export interface HttpContractCase {
  readonly name: string;
  /**
   * Handler limits this case needs instead of {@link CONTRACT_LIMITS}' (field by field): a case
   * that holds responses open longer than the contract's send idle cut-off sets a longer one.
   */
  readonly handlerLimits?: Partial<HandlerLimits>;
  readonly run: (fixture: ContractFixture) => Promise<void>;
}
