import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { isStowageError } from '../../../src/stowage-error.js';
import {
  adapterPrincipalAuth,
  composeAuth,
  forwardAuth,
  htpasswdAuth,
  tokenAuth,
  type AuthRequest,
  type AuthStrategy,
} from '../../../src/http/auth/index.js';
import { startSessionServer } from '../../helpers/couch-session-server.js';

const TOKEN = 'fuzz-token-0123456789abcdef';
const PASSWORD = 'the-one-password';

/** Header values a hostile client can send: any string, any scheme, base64 of anything, several values. */
const headerValue: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ maxLength: 5000, unit: 'grapheme-ascii' }),
  fc.tuple(fc.constantFrom('Bearer ', 'bearer', 'Basic ', 'basic\t', 'Digest ', 'Bearer  '), fc.string({ maxLength: 80 })).map(([scheme, rest]) => scheme + rest),
  fc
    .tuple(fc.constantFrom('alice', 'bob', '', 'ALICE', '__proto__'), fc.string({ unit: 'binary', maxLength: 40 }))
    .filter(([, password]) => password !== PASSWORD)
    .map(([user, password]) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => `Basic ${Buffer.from(bytes).toString('base64')}`),
  fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
);

const hostileRequest: fc.Arbitrary<AuthRequest> = fc
  .record({ authorization: headerValue, cookie: headerValue, 'x-api-token': headerValue })
  .filter((headers) => !JSON.stringify(headers).includes(TOKEN))
  .map((headers) => ({ method: 'GET', headers }));

async function checkNeverMisbehaves(t: Test, strategy: AuthStrategy, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostileRequest, async (request) => {
      try {
        return (await strategy(request)) === null;
      } catch (error) {
        return isStowageError(error) && (error.code === 'STOWAGE_UNAUTHENTICATED' || error.code === 'STOWAGE_UNAVAILABLE');
      }
    }),
    { numRuns: runs },
  );
  t.pass('no principal for wrong credentials, no other error');
}

t.test('token auth never throws another error nor accepts a wrong token', async (t) => {
  await checkNeverMisbehaves(t, tokenAuth({ tokens: { [TOKEN]: 'robot' } }), 2000);
  await checkNeverMisbehaves(t, tokenAuth({ tokens: { [TOKEN]: 'robot' }, header: 'x-api-token' }), 2000);
});

t.test('htpasswd auth never throws another error nor accepts a wrong password', async (t) => {
  const contents = [
    `alice:${bcrypt.hashSync(PASSWORD, 4)}`,
    'bob:{SHA}VBPuJHI7uixaa6LQGWx4s+5GKNE=',
    'ALICE:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/',
  ].join('\n');
  await checkNeverMisbehaves(t, htpasswdAuth({ contents }), 300);
});

t.test('forward auth never throws another error nor names a principal for unknown sessions', async (t) => {
  const upstream = await startSessionServer([{ name: 'alice', roles: [], cookie: 'secret-session-cookie', password: PASSWORD }]);
  t.teardown(() => upstream.close());
  await checkNeverMisbehaves(t, forwardAuth({ url: `${upstream.origin}/_session` }), 300);
});

t.test('the composition of every strategy keeps the same promise', async (t) => {
  const composed = composeAuth([
    tokenAuth({ tokens: { [TOKEN]: 'robot' } }),
    htpasswdAuth({ contents: 'bob:{SHA}VBPuJHI7uixaa6LQGWx4s+5GKNE=' }),
    adapterPrincipalAuth(),
  ]);
  await checkNeverMisbehaves(t, composed, 1000);
});
