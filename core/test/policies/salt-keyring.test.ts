import fc from 'fast-check';
import t from 'tap';
import { inspect } from 'node:util';
import { isStowageError, type StowageError } from '../../src/stowage-error.js';
import { createSaltKeyring, type SaltKeyring, type SaltKeyringOptions } from '../../src/policies/index.js';

const OLD = 'S3CR3T-OLD-SALT-VALUE-0001';
const NEW = 'S3CR3T-NEW-SALT-VALUE-0002';
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function rotated(): SaltKeyring {
  return createSaltKeyring({ current: '2026-02', salts: { '2026-01': OLD, '2026-02': utf8(NEW) } });
}

/** Every spelling of the salts that a leak could take. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const salt of [OLD, NEW]) {
    const bytes = utf8(salt);
    const spellings = [
      salt,
      'S3CR3T',
      [...bytes].join(', '),
      [...bytes].join(','),
      Buffer.from(bytes).toString('hex'),
      Buffer.from(bytes).toString('base64'),
    ];
    for (const spelling of spellings) if (text.includes(spelling)) found.push(spelling);
  }
  return found;
}

function errorOf(run: () => unknown): StowageError {
  try {
    run();
  } catch (error) {
    if (isStowageError(error)) return error;
    throw error;
  }
  throw new Error('expected a StowageError');
}

function everythingAbout(error: StowageError): string {
  return [error.message, JSON.stringify(error), JSON.stringify(error.context), inspect(error, { showHidden: true, depth: Infinity })].join('\n');
}

t.test('a single salt string is the "default" key', async (t) => {
  const keyring = createSaltKeyring(NEW);
  t.equal(keyring.currentKeyId, 'default');
  t.same(keyring.keyIds(), ['default']);
  t.same(keyring.saltFor('default'), utf8(NEW));
  t.same(keyring.current(), { keyId: 'default', salt: utf8(NEW) });
});

t.test('rotation keeps old salts reachable by key id', async (t) => {
  const keyring = rotated();
  t.equal(keyring.currentKeyId, '2026-02');
  t.same(keyring.keyIds(), ['2026-01', '2026-02']);
  t.ok(Object.isFrozen(keyring.keyIds()));
  t.same(keyring.saltFor('2026-01'), utf8(OLD));
  t.same(keyring.saltFor('2026-02'), utf8(NEW));
  t.same(keyring.current(), { keyId: '2026-02', salt: utf8(NEW) });
});

t.test('salts are copied in and out', async (t) => {
  const input = utf8(NEW);
  const keyring = createSaltKeyring({ current: 'k', salts: { k: input } });
  input.fill(0);
  const first = keyring.saltFor('k');
  first.fill(0);
  keyring.current().salt.fill(0);
  t.same(keyring.saltFor('k'), utf8(NEW));
  const fromBuffer = createSaltKeyring({ current: 'k', salts: { k: Buffer.from(NEW) } }).saltFor('k');
  t.equal(Object.getPrototypeOf(fromBuffer), Uint8Array.prototype);
  t.same(fromBuffer, utf8(NEW));
});

t.test('the keyring is frozen', async (t) => {
  const keyring = rotated();
  t.ok(Object.isFrozen(keyring));
  t.throws(() => {
    (keyring as { currentKeyId: string }).currentKeyId = '2026-01';
  }, TypeError);
  t.equal(keyring.currentKeyId, '2026-02');
});

t.test('an unknown key id is STOWAGE_NOT_FOUND, a non-string a TypeError', async (t) => {
  const keyring = rotated();
  for (const keyId of ['2026-03', '', 'a/b', 'x'.repeat(65), OLD, NEW, 'toString', '__proto__']) {
    const error = errorOf(() => keyring.saltFor(keyId));
    t.equal(error.code, 'STOWAGE_NOT_FOUND', keyId);
    t.same(leaks(everythingAbout(error)), [], `no salt in the error for ${keyId}`);
  }
  t.throws(() => keyring.saltFor(42 as unknown as string), TypeError);
});

t.test('invalid options are STOWAGE_INVALID_CONFIG and never echo a salt', async (t) => {
  const short = 'S3CR3T-short'; // 12 bytes
  const invalid: unknown[] = [
    undefined,
    null,
    42,
    '',
    short,
    'é'.repeat(7) + '.', // 8 characters, 15 UTF-8 bytes
    {},
    { current: 'k' },
    { current: 'k', salts: null },
    { current: 'k', salts: [NEW] },
    { current: 'k', salts: {} },
    { current: 'k', salts: { k: short } },
    { current: 'k', salts: { k: new Uint8Array(15) } },
    { current: 'k', salts: { k: 12345678901234567890 } },
    { current: 'k', salts: { k: null } },
    { current: 'k', salts: { k: new ArrayBuffer(32) } },
    { current: 'k', salts: { k: [...utf8(NEW)] } },
    { current: OLD, salts: { k: NEW } },
    { current: 'toString', salts: { k: NEW } },
    { current: 42, salts: { k: NEW } },
    { salts: { k: NEW } },
    { current: '', salts: { '': NEW } },
    { current: 'a/b', salts: { 'a/b': NEW } },
    { current: 'é', salts: { é: NEW } },
    { current: 'k', salts: { k: NEW, [`${OLD}!`]: NEW } },
    { current: 'k', salts: { k: NEW, ['x'.repeat(65)]: NEW } },
    { current: 'k', salts: { k: NEW, 'with space': NEW } },
  ];
  for (const options of invalid) {
    const error = errorOf(() => createSaltKeyring(options as SaltKeyringOptions));
    t.equal(error.code, 'STOWAGE_INVALID_CONFIG', inspect(options));
    t.notOk(everythingAbout(error).includes('S3CR3T'), `no salt in the error for ${inspect(options)}`);
  }
  t.equal(createSaltKeyring('é'.repeat(8)).saltFor('default').length, 16, 'length counts UTF-8 bytes');
  t.same(createSaltKeyring({ current: 'A.z_0-9', salts: { 'A.z_0-9': NEW, ['x'.repeat(64)]: OLD } }).keyIds(), ['A.z_0-9', 'x'.repeat(64)]);
});

t.test('toJSON, String() and util.inspect show the key ids and redact the salts', async (t) => {
  const keyring = rotated();
  const redacted = { currentKeyId: '2026-02', keyIds: ['2026-01', '2026-02'], salts: '[redacted]' };
  t.same(keyring.toJSON(), redacted);
  t.same(JSON.parse(JSON.stringify(keyring)), redacted);
  t.same(JSON.parse(JSON.stringify({ nested: [keyring] })), { nested: [redacted] });
  for (const text of [String(keyring), `${keyring}`, keyring.toString(), inspect(keyring), inspect({ keyring })]) {
    t.match(text, /2026-02/);
    t.match(text, /\[redacted\]/);
    t.same(leaks(text), []);
  }
});

t.test('no reflection reveals a salt', async (t) => {
  const keyring = rotated();
  const views: [string, unknown][] = [
    ['Object.keys', Object.keys(keyring)],
    ['Object.entries', Object.entries(keyring)],
    ['Reflect.ownKeys', Reflect.ownKeys(keyring).map(String)],
    ['getOwnPropertyNames', Object.getOwnPropertyNames(keyring)],
    ['spread', { ...keyring }],
    ['structuredClone', structuredClone(keyring)],
    ['inspect showHidden', inspect(keyring, { showHidden: true, depth: Infinity, getters: true })],
    ['inspect raw', inspect(keyring, { showHidden: true, depth: Infinity, getters: true, customInspect: false })],
    ['inspect of a clone', inspect(structuredClone(keyring), { showHidden: true, depth: Infinity })],
    ['JSON of a clone', JSON.stringify(structuredClone(keyring))],
  ];
  for (const [name, view] of views) {
    const text = typeof view === 'string' ? view : inspect(view, { showHidden: true, depth: Infinity });
    t.same(leaks(text), [], name);
  }
  t.same(Object.keys(keyring), ['currentKeyId']);
});

t.test('for any salts: lookups return them, and errors and printouts never contain them', async () => {
  const keyId = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
  const salt = fc.oneof(
    fc.string({ minLength: 16, maxLength: 40 }).filter((s) => utf8(s).length >= 16),
    fc.uint8Array({ minLength: 16, maxLength: 40 }),
  );
  fc.assert(
    fc.property(fc.dictionary(keyId, salt, { minKeys: 1, maxKeys: 4 }), fc.nat(), fc.string(), (salts, pick, probe) => {
      const ids = Object.keys(salts);
      const current = ids[pick % ids.length]!;
      const keyring = createSaltKeyring({ current, salts });
      const bytesOf = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? utf8(value) : value);
      const lookupsWork =
        ids.every((id) => Buffer.from(keyring.saltFor(id)).equals(bytesOf(salts[id]!))) &&
        Buffer.from(keyring.current().salt).equals(bytesOf(salts[current]!));
      const printed = [String(keyring), JSON.stringify(keyring), inspect(keyring, { showHidden: true })];
      const textSalts = Object.values(salts).filter((v): v is string => typeof v === 'string');
      // A salt that is spelled inside a key id is printed with it: the configuration's fault.
      fc.pre(textSalts.every((s) => !ids.some((id) => id.includes(s))));
      const lookups = [probe, ...textSalts.flatMap((s) => [s, `${s}-x`, `x${s}`, `${probe}${s}`])];
      for (const lookup of lookups) {
        if (Object.hasOwn(salts, lookup)) continue;
        printed.push(everythingAbout(errorOf(() => keyring.saltFor(lookup))));
      }
      const secrets = Object.values(salts).map((v) => Buffer.from(bytesOf(v)).toString('hex'));
      return (
        lookupsWork &&
        printed.every((text) => textSalts.every((s) => !text.includes(s)) && secrets.every((hex) => !text.includes(hex)))
      );
    }),
  );
});
