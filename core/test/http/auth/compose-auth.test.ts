import t from 'tap';
import { StowageError } from '../../../src/stowage-error.js';
import {
  adapterPrincipalAuth,
  challengeOf,
  composeAuth,
  forwardAuth,
  htpasswdAuth,
  tokenAuth,
  type AuthRequest,
  type AuthStrategy,
} from '../../../src/http/auth/index.js';

const TOKEN = 'compose-token-0123456789';
const token = tokenAuth({ tokens: { [TOKEN]: 'robot' } });
const basic = htpasswdAuth({ contents: 'dave:{SHA}VBPuJHI7uixaa6LQGWx4s+5GKNE=' }, 'files');

function get(headers: AuthRequest['headers'], adapterPrincipal?: AuthRequest['adapterPrincipal']): AuthRequest {
  return { method: 'GET', headers, ...(adapterPrincipal === undefined ? {} : { adapterPrincipal }) };
}

t.test('the first non-null principal wins and later strategies are not called', async (t) => {
  const calls: string[] = [];
  const spy = (name: string, answer: Awaited<ReturnType<AuthStrategy>>): AuthStrategy => async () => {
    calls.push(name);
    return answer;
  };
  const auth = composeAuth([spy('a', null), spy('b', { name: 'bee' }), spy('c', { name: 'sea' })]);
  t.same(await auth(get({})), { name: 'bee' });
  t.same(calls, ['a', 'b']);
  t.equal(await composeAuth([])(get({})), null);
  t.equal(await composeAuth([spy('x', null)])(get({})), null);
});

t.test('token and Basic strategies each take their own scheme', async (t) => {
  const auth = composeAuth([token, basic, adapterPrincipalAuth()]);
  t.same(await auth(get({ authorization: `Bearer ${TOKEN}` })), { name: 'robot' });
  t.same(await auth(get({ authorization: `Basic ${Buffer.from('dave:myPassword').toString('base64')}` })), { name: 'dave' });
  t.same(await auth(get({}, { name: 'express-user' })), { name: 'express-user' });
  t.equal(await auth(get({})), null);
  await t.rejects(auth(get({ authorization: 'Bearer wrong-token-0123456789' }, { name: 'x' })), { code: 'STOWAGE_UNAUTHENTICATED' });
});

t.test('a rejection stops the chain; foreign errors become STOWAGE_INTERNAL', async (t) => {
  const boom: AuthStrategy = async () => {
    throw new Error('bug');
  };
  await t.rejects(composeAuth([boom])(get({})), { code: 'STOWAGE_INTERNAL' });
  const down: AuthStrategy = async () => {
    throw new StowageError('STOWAGE_UNAVAILABLE', 'down');
  };
  await t.rejects(composeAuth([down, adapterPrincipalAuth()])(get({}, { name: 'x' })), { code: 'STOWAGE_UNAVAILABLE' });
});

t.test('composeAuth refuses what is not a list of strategies', async (t) => {
  for (const value of [null, 'x', [1], [token, null]]) {
    t.throws(() => composeAuth(value as unknown as AuthStrategy[]), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});

t.test('the adapter principal is used only when it is a principal', async (t) => {
  const adapter = adapterPrincipalAuth();
  t.same(await adapter(get({}, { name: 'u', groups: ['g'], admin: false })), { name: 'u', groups: ['g'], admin: false });
  t.equal(await adapter(get({})), null);
  t.equal(await adapter(get({}, null)), null);
  t.equal(await adapter(get({}, { name: '' })), null);
  t.equal(await adapter(get({}, { username: 'passport-style' } as unknown as { name: string })), null);
});

t.test('challenges are joined in order, once each, and absent without any', async (t) => {
  const forward = forwardAuth({ url: 'http://127.0.0.1:9/_session' });
  t.equal(challengeOf([token, basic]), 'Bearer realm="stowage", Basic realm="files", charset="UTF-8"');
  t.equal(challengeOf([basic, token, token]), 'Basic realm="files", charset="UTF-8", Bearer realm="stowage"');
  t.equal(challengeOf([composeAuth([forward, token]), basic]), 'Bearer realm="stowage", Basic realm="files", charset="UTF-8"');
  t.equal(challengeOf([forward, adapterPrincipalAuth()]), undefined);
  t.equal(challengeOf([]), undefined);
});
