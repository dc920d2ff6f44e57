import bcrypt from 'bcryptjs';
import t from 'tap';
import { dummyHashLike, parsePasswordHash, verifyPassword, type PasswordHash } from '../../../src/http/auth/password-hash.js';

t.test('$2y$ is read as $2b$ and keeps its cost', async (t) => {
  t.match(parsePasswordHash('$2y$05$c4WoMPo3SXsafkva.HHa6uXQZWr7oboPiC2bT/r7q1BB8I2s0BRqC'), {
    kind: 'bcrypt',
    hash: '$2b$05$c4WoMPo3SXsafkva.HHa6uXQZWr7oboPiC2bT/r7q1BB8I2s0BRqC',
    cost: 5,
  });
  t.equal(parsePasswordHash('$2x$05$c4WoMPo3SXsafkva.HHa6uXQZWr7oboPiC2bT/r7q1BB8I2s0BRqC'), undefined);
  t.equal(parsePasswordHash('$2y$32$c4WoMPo3SXsafkva.HHa6uXQZWr7oboPiC2bT/r7q1BB8I2s0BRqC'), undefined);
});

t.test('the dummy hash of unknown users costs as much as the costliest entry', async (t) => {
  const cost4 = parsePasswordHash(bcrypt.hashSync('a', 4)) as PasswordHash;
  const cost6 = parsePasswordHash(bcrypt.hashSync('a', 6)) as PasswordHash;
  const sha1 = parsePasswordHash('{SHA}VBPuJHI7uixaa6LQGWx4s+5GKNE=') as PasswordHash;
  const apr1 = parsePasswordHash('$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/') as PasswordHash;

  const bcryptDummy = dummyHashLike([sha1, cost6, apr1, cost4]);
  t.match(bcryptDummy, { kind: 'bcrypt', cost: 6 });
  t.ok(bcryptDummy.kind === 'bcrypt' && bcrypt.getRounds(bcryptDummy.hash) === 6);
  // A well-formed hash, so checking it runs the full bcrypt work rather than failing fast.
  t.same(parsePasswordHash(bcryptDummy.kind === 'bcrypt' ? bcryptDummy.hash : ''), bcryptDummy);

  const apr1Dummy = dummyHashLike([sha1, apr1]);
  t.equal(apr1Dummy.kind, 'apr1');
  t.same(parsePasswordHash(apr1Dummy.kind === 'apr1' ? apr1Dummy.hash : ''), apr1Dummy);

  t.equal(dummyHashLike([sha1]).kind, 'sha1');
  t.equal(dummyHashLike([]).kind, 'sha1');

  for (const dummy of [bcryptDummy, apr1Dummy, dummyHashLike([])]) {
    t.equal(await verifyPassword('myPassword', dummy), false);
    t.equal(await verifyPassword('', dummy), false);
  }
});

t.test('verifying never throws, even for passwords longer than bcrypt reads', async (t) => {
  const long = 'p'.repeat(4000);
  const hash = parsePasswordHash(bcrypt.hashSync(long, 4)) as PasswordHash;
  t.equal(await verifyPassword(long, hash), true);
  t.equal(await verifyPassword('short', hash), false);
  const corrupt: PasswordHash = { kind: 'bcrypt', hash: '$2b$04$', cost: 4 };
  t.equal(await verifyPassword('x', corrupt), false);
  const badRounds: PasswordHash = { kind: 'bcrypt', hash: `$2b$99$${'a'.repeat(53)}`, cost: 99 };
  t.equal(await verifyPassword('x', badRounds), false);
});
