import type { EntryKey } from '../../../src/catalog/entry.js';
import { tokenAuth, type AuthStrategy, type MediaHandlerOptions } from '../../../src/http/index.js';
import type { PutOptions } from '../../../src/media/types.js';
import type { StowageConfig } from '../../../src/media/config.js';
import { mediaFixture, type MediaFixture } from '../../helpers/media-fixture.js';
import { startMediaServer, type MediaServer } from './media-server.js';

/** Tokens of the test principals (tokenAuth needs 16+ characters). */
export const TOKENS = Object.freeze({
  alice: 'alice-token-0123456789',
  bob: 'bob-token-0123456789ab',
  mallory: 'mallory-token-0123456789',
});

/** `Authorization` headers for the test principals. */
export function bearer(name: keyof typeof TOKENS): Record<string, string> {
  return { authorization: `Bearer ${TOKENS[name]}` };
}

/** The token strategy every HTTP test uses. */
export function testAuth(): readonly AuthStrategy[] {
  return [tokenAuth({ tokens: { [TOKENS.alice]: 'alice', [TOKENS.bob]: 'bob', [TOKENS.mallory]: 'mallory' } })];
}

/** A media fixture behind a real server, with a counter of `stat`/`open` calls. */
export interface HttpFixture extends MediaFixture {
  readonly server: MediaServer;
  readonly port: number;
  /** Calls that reached the facade's `stat` or `open`. */
  readonly facadeCalls: () => number;
  put(filename: string, bytes: Buffer | string, options?: PutOptions & { contentType?: string }): Promise<EntryKey>;
  /** `/media/<id>/<encoded filename>` */
  url(key: EntryKey, prefix?: string): string;
}

/** Starts an {@link HttpFixture}; `options.auth` defaults to {@link testAuth}. */
export async function httpFixture(
  options: MediaHandlerOptions = {},
  config: Partial<StowageConfig> = {},
  shards: readonly string[] = [],
): Promise<HttpFixture> {
  const fixture = mediaFixture(config, shards);
  let calls = 0;
  for (const name of ['stat', 'open'] as const) {
    fixture.stowage.pipeline(name).use(
      {
        name: 'count-calls',
        run: async (_context, next) => {
          calls += 1;
          await next();
        },
      },
      { before: 'resolve' },
    );
  }
  const server = await startMediaServer(fixture.stowage, { auth: testAuth(), ...options });
  return {
    ...fixture,
    server,
    port: server.port,
    facadeCalls: () => calls,
    async put(filename, bytes, putOptions = {}) {
      const { contentType, ...rest } = putOptions;
      const result = await fixture.stowage.put(
        { filename, source: [Buffer.from(bytes)], ...(contentType === undefined ? {} : { contentType }) },
        { principal: { name: 'alice' }, ...rest },
      );
      const entry = result.entries[0];
      if (entry === undefined) throw new Error('put stored nothing');
      return { id: entry.id, filename: entry.filename };
    },
    url(key, prefix = '/media') {
      return `${prefix}/${key.id}/${encodeURIComponent(key.filename)}`;
    },
  };
}
