import t from 'tap';
import { challengeOf, tokenAuth, type AuthRequest } from '../../../src/http/auth/index.js';

const ALICE_TOKEN = 'alice-token-0123456789';
const BOB_TOKEN = 'bob-token-abcdefghijklmn';

function get(headers: AuthRequest['headers']): AuthRequest {
  return { method: 'GET', headers };
}

const bearer = tokenAuth({
  tokens: { [ALICE_TOKEN]: 'alice', [BOB_TOKEN]: { name: 'bob', groups: ['ops'], admin: true } },
});

t.test('a configured Bearer token names its principal', async (t) => {
  t.same(await bearer(get({ authorization: `Bearer ${ALICE_TOKEN}` })), { name: 'alice' });
  t.same(await bearer(get({ authorization: `bearer   ${BOB_TOKEN}` })), { name: 'bob', groups: ['ops'], admin: true });
  t.same(await bearer(get({ authorization: [`Bearer ${ALICE_TOKEN}`] })), { name: 'alice' });
  t.ok(Object.isFrozen(await bearer(get({ authorization: `Bearer ${ALICE_TOKEN}` }))));
});

t.test('no credentials of its kind is null, so the next strategy is tried', async (t) => {
  t.equal(await bearer(get({})), null);
  t.equal(await bearer(get({ authorization: '' })), null);
  t.equal(await bearer(get({ authorization: '   ' })), null);
  t.equal(await bearer(get({ authorization: 'Basic YWxpY2U6cHc=' })), null);
  t.equal(await bearer(get({ authorization: 'Bearertoken' })), null);
  t.equal(await bearer(get({ authorization: [] })), null);
  t.equal(await bearer(get({ 'x-charon-api-token': ALICE_TOKEN })), null);
});

t.test('wrong or malformed Bearer credentials are STOWAGE_UNAUTHENTICATED', async (t) => {
  const refused = [
    'Bearer',
    'Bearer wrong-token-0123456789',
    `Bearer ${ALICE_TOKEN.slice(0, -1)}`,
    `Bearer ${ALICE_TOKEN}x`,
    `Bearer ${ALICE_TOKEN} extra`,
    `Bearer ${ALICE_TOKEN.toUpperCase()}`,
    `Bearer ${'a'.repeat(5000)}`,
    `Bearer ${ALICE_TOKEN}é`,
    `Bearer ${ALICE_TOKEN}\u0000`,
  ];
  for (const authorization of refused) {
    await t.rejects(bearer(get({ authorization })), { code: 'STOWAGE_UNAUTHENTICATED' }, JSON.stringify(authorization.slice(0, 40)));
  }
  await t.rejects(bearer(get({ authorization: [`Bearer ${ALICE_TOKEN}`, `Bearer ${BOB_TOKEN}`] })), {
    code: 'STOWAGE_UNAUTHENTICATED',
  });
});

t.test('a custom header carries the bare token (Charon style)', async (t) => {
  const charon = tokenAuth({ tokens: { [ALICE_TOKEN]: 'alice' }, header: 'X-Charon-API-token' });
  t.same(await charon(get({ 'x-charon-api-token': ALICE_TOKEN })), { name: 'alice' });
  t.same(await charon(get({ 'x-charon-api-token': `  ${ALICE_TOKEN}\t` })), { name: 'alice' });
  t.equal(await charon(get({ authorization: `Bearer ${ALICE_TOKEN}` })), null);
  t.equal(await charon(get({ 'x-charon-api-token': '' })), null);
  await t.rejects(charon(get({ 'x-charon-api-token': `Bearer ${ALICE_TOKEN}` })), { code: 'STOWAGE_UNAUTHENTICATED' });
  // node:http joins repeated custom headers with ", ": never a valid token.
  await t.rejects(charon(get({ 'x-charon-api-token': `${ALICE_TOKEN}, ${ALICE_TOKEN}` })), {
    code: 'STOWAGE_UNAUTHENTICATED',
  });
  t.equal(challengeOf([charon]), undefined);
});

t.test('the Bearer challenge names the realm', async (t) => {
  t.equal(challengeOf([bearer]), 'Bearer realm="stowage"');
  const custom = tokenAuth({ tokens: { [ALICE_TOKEN]: 'alice' }, realm: 'my "files"' });
  t.equal(challengeOf([custom]), 'Bearer realm="my \\"files\\""');
});

t.test('invalid options are STOWAGE_INVALID_CONFIG', async (t) => {
  const invalid: unknown[] = [
    {},
    { tokens: null },
    { tokens: {} },
    { tokens: { short: 'alice' } },
    { tokens: { [`${ALICE_TOKEN} space`]: 'alice' } },
    { tokens: { [`${ALICE_TOKEN}é`]: 'alice' } },
    { tokens: { ['a'.repeat(4097)]: 'alice' } },
    { tokens: { [ALICE_TOKEN]: '' } },
    { tokens: { [ALICE_TOKEN]: { name: 7 } } },
    { tokens: { [ALICE_TOKEN]: { name: 'a', groups: 'ops' } } },
    { tokens: { [ALICE_TOKEN]: { name: 'a', admin: 'yes' } } },
    { tokens: { [ALICE_TOKEN]: null } },
    { tokens: { [ALICE_TOKEN]: 'alice' }, header: 'bad header' },
    { tokens: { [ALICE_TOKEN]: 'alice' }, header: 7 },
    { tokens: { [ALICE_TOKEN]: 'alice' }, realm: '' },
    { tokens: { [ALICE_TOKEN]: 'alice' }, realm: 'line\r\nbreak' },
    { tokens: { [ALICE_TOKEN]: 'alice' }, realm: 'x'.repeat(300) },
  ];
  for (const options of invalid) {
    t.throws(() => tokenAuth(options as Parameters<typeof tokenAuth>[0]), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});

t.test('the configuration error never repeats a token', async (t) => {
  const secret = 'short-secret';
  try {
    tokenAuth({ tokens: { [secret]: 'alice' } });
    t.fail('expected a throw');
  } catch (error) {
    t.notMatch((error as Error).message, secret);
  }
});
