import fc from 'fast-check';
import t from 'tap';
import type { EntryAccess } from '../../src/catalog/entry.js';
import { StowageError, isStowageError } from '../../src/stowage-error.js';
import {
  ACCESS_OUTCOMES,
  decideAccess,
  isAccessOutcome,
  type AccessAction,
  type AccessOutcome,
  type AccessRequest,
  type AuthorizeHook,
  type PermissionPolicy,
  type Principal,
} from '../../src/policies/index.js';

type Entry = EntryAccess & { readonly author: string };

// ---------------------------------------------------------------------------------------------
// The oracle: the TSDoc table of decideAccess, written out as data, first matching row wins.
// It computes "may read" and "may modify" on its own, without principalMatches.
// ---------------------------------------------------------------------------------------------

type Caller = 'admin' | 'principal' | 'anonymous';
type Cell<T> = T | 'any';
interface Row {
  readonly caller: Cell<Caller> | 'anyone';
  readonly action: Cell<AccessAction>;
  readonly visibility: Cell<'public' | 'private'>;
  readonly mayRead: Cell<boolean>;
  readonly mayModify: Cell<boolean>;
  readonly outcome: AccessOutcome | 'hidden-or-forbidden';
}

const TABLE: readonly Row[] = [
  { caller: 'admin', action: 'any', visibility: 'any', mayRead: 'any', mayModify: 'any', outcome: 'allow' },
  { caller: 'anyone', action: 'read', visibility: 'public', mayRead: 'any', mayModify: 'any', outcome: 'allow' },
  { caller: 'anonymous', action: 'read', visibility: 'private', mayRead: 'any', mayModify: 'any', outcome: 'unauthenticated' },
  { caller: 'principal', action: 'read', visibility: 'private', mayRead: true, mayModify: 'any', outcome: 'allow' },
  { caller: 'principal', action: 'read', visibility: 'private', mayRead: false, mayModify: 'any', outcome: 'hidden-or-forbidden' },
  { caller: 'anonymous', action: 'modify', visibility: 'any', mayRead: 'any', mayModify: 'any', outcome: 'unauthenticated' },
  { caller: 'principal', action: 'modify', visibility: 'any', mayRead: 'any', mayModify: true, outcome: 'allow' },
  { caller: 'principal', action: 'modify', visibility: 'public', mayRead: 'any', mayModify: false, outcome: 'forbidden' },
  { caller: 'principal', action: 'modify', visibility: 'private', mayRead: true, mayModify: false, outcome: 'forbidden' },
  { caller: 'principal', action: 'modify', visibility: 'private', mayRead: false, mayModify: false, outcome: 'hidden-or-forbidden' },
];

function named(principal: Principal, list: readonly string[]): boolean {
  return list.some((item) => {
    const group = /^group:(.+)$/s.exec(item);
    if (group !== null) return (principal.groups ?? []).some((g) => g === group[1]);
    return !item.startsWith('group:') && item === principal.name;
  });
}

function oracle(request: AccessRequest, hideExistence: boolean): AccessOutcome {
  const { principal, action, entry } = request;
  const caller: Caller = principal === null ? 'anonymous' : principal.admin === true ? 'admin' : 'principal';
  const mayModify = principal !== null && (entry.author === principal.name || named(principal, entry.writers));
  const mayRead = mayModify || (principal !== null && named(principal, entry.readers));
  const fits = <T>(cell: Cell<T>, value: T): boolean => cell === 'any' || cell === value;
  const row = TABLE.find(
    (r) =>
      (r.caller === 'anyone' || r.caller === caller) &&
      fits(r.action, action) &&
      fits(r.visibility, entry.visibility) &&
      fits(r.mayRead, mayRead) &&
      fits(r.mayModify, mayModify),
  );
  if (row === undefined) throw new Error('the table has a hole');
  if (row.outcome === 'hidden-or-forbidden') return hideExistence ? 'hidden' : 'forbidden';
  return row.outcome;
}

// Small pools so that names, authors, list items and groups collide often; case variants and
// names that look like group items check that matching is exact.
const NAMES = ['alice', 'Alice', 'bob', 'carol', 'group:staff'];
const GROUPS = ['staff', 'Staff', 'ops', ''];
const ITEMS = [...NAMES, 'group:staff', 'group:Staff', 'group:ops', 'group:', 'group:alice', ''];

const principalArb: fc.Arbitrary<Principal | null> = fc.option(
  fc.record(
    {
      name: fc.constantFrom(...NAMES),
      groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { maxLength: 3 }),
      admin: fc.boolean(),
    },
    { requiredKeys: ['name'] },
  ),
  { freq: 4 },
);

const entryArb: fc.Arbitrary<Entry> = fc.record({
  visibility: fc.constantFrom('public' as const, 'private' as const),
  readers: fc.array(fc.constantFrom(...ITEMS), { maxLength: 3 }),
  writers: fc.array(fc.constantFrom(...ITEMS), { maxLength: 3 }),
  expiresAt: fc.constant(null),
  author: fc.constantFrom(...NAMES, ''),
});

const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  principal: principalArb,
  action: fc.constantFrom<AccessAction>('read', 'modify'),
  entry: entryArb,
});

const hideArb = fc.option(fc.boolean(), { nil: undefined });

function policyOf(hideExistence: boolean | undefined, authorize?: AuthorizeHook): PermissionPolicy {
  return {
    ...(hideExistence === undefined ? {} : { hideExistence }),
    ...(authorize === undefined ? {} : { authorize }),
  };
}

function entry(fields: Partial<Entry> = {}): Entry {
  return { visibility: 'private', readers: [], writers: [], expiresAt: null, author: 'owner', ...fields };
}

t.test('the decision follows the table for every principal, entry, action and policy', async () => {
  await fc.assert(
    fc.asyncProperty(requestArb, hideArb, async (request, hide) => {
      const outcome = await decideAccess(request, policyOf(hide));
      return outcome === oracle(request, hide === true);
    }),
    { numRuns: 3000 },
  );
});

t.test('without a policy, existence is not hidden', async () => {
  await fc.assert(
    fc.asyncProperty(requestArb, async (request) => (await decideAccess(request)) === oracle(request, false)),
    { numRuns: 500 },
  );
});

t.test('every row of the table is reached by an example', async (t) => {
  const alice: Principal = { name: 'alice', groups: ['staff'] };
  const cases: [string, AccessRequest, boolean, AccessOutcome][] = [
    ['admin modifies a stranger\'s private entry', { principal: { name: 'root', admin: true }, action: 'modify', entry: entry() }, true, 'allow'],
    ['anonymous reads a public entry', { principal: null, action: 'read', entry: entry({ visibility: 'public' }) }, true, 'allow'],
    ['anonymous reads a private entry', { principal: null, action: 'read', entry: entry() }, true, 'unauthenticated'],
    ['a reader reads', { principal: alice, action: 'read', entry: entry({ readers: ['alice'] }) }, true, 'allow'],
    ['a group reader reads', { principal: alice, action: 'read', entry: entry({ readers: ['group:staff'] }) }, true, 'allow'],
    ['a writer reads', { principal: alice, action: 'read', entry: entry({ writers: ['alice'] }) }, true, 'allow'],
    ['the author reads', { principal: alice, action: 'read', entry: entry({ author: 'alice' }) }, true, 'allow'],
    ['a stranger reads, hidden', { principal: alice, action: 'read', entry: entry() }, true, 'hidden'],
    ['a stranger reads, not hidden', { principal: alice, action: 'read', entry: entry() }, false, 'forbidden'],
    ['anonymous modifies a public entry', { principal: null, action: 'modify', entry: entry({ visibility: 'public' }) }, true, 'unauthenticated'],
    ['anonymous modifies a private entry', { principal: null, action: 'modify', entry: entry() }, false, 'unauthenticated'],
    ['a group writer modifies', { principal: alice, action: 'modify', entry: entry({ writers: ['group:staff'] }) }, true, 'allow'],
    ['the author modifies', { principal: alice, action: 'modify', entry: entry({ author: 'alice', visibility: 'public' }) }, true, 'allow'],
    ['a stranger modifies a public entry', { principal: alice, action: 'modify', entry: entry({ visibility: 'public' }) }, true, 'forbidden'],
    ['a reader modifies a private entry', { principal: alice, action: 'modify', entry: entry({ readers: ['alice'] }) }, true, 'forbidden'],
    ['a stranger modifies a private entry, hidden', { principal: alice, action: 'modify', entry: entry() }, true, 'hidden'],
    ['a stranger modifies a private entry, not hidden', { principal: alice, action: 'modify', entry: entry() }, false, 'forbidden'],
    ['names are case-sensitive', { principal: alice, action: 'read', entry: entry({ readers: ['Alice', 'group:Staff'] }) }, false, 'forbidden'],
    ['an anonymous upload belongs to nobody', { principal: alice, action: 'modify', entry: entry({ author: '' }) }, false, 'forbidden'],
    ['a reader item is not a writer', { principal: alice, action: 'modify', entry: entry({ visibility: 'public', readers: ['alice'] }) }, false, 'forbidden'],
  ];
  for (const [name, request, hideExistence, expected] of cases) {
    t.equal(await decideAccess(request, { hideExistence }), expected, name);
    t.equal(oracle(request, hideExistence), expected, `oracle: ${name}`);
  }
});

t.test('the hook sees the request and the default outcome, and its answer wins', async () => {
  await fc.assert(
    fc.asyncProperty(requestArb, hideArb, fc.option(fc.constantFrom(...ACCESS_OUTCOMES), { nil: undefined }), fc.boolean(), async (request, hide, answer, async) => {
      const seen: [AccessRequest, AccessOutcome][] = [];
      const hook: AuthorizeHook = (req, outcome) => {
        seen.push([req, outcome]);
        return async ? Promise.resolve(answer) : answer;
      };
      const outcome = await decideAccess(request, policyOf(hide, hook));
      const expectedDefault = oracle(request, hide === true);
      return (
        seen.length === 1 &&
        seen[0]![0] === request &&
        seen[0]![1] === expectedDefault &&
        outcome === (answer ?? expectedDefault)
      );
    }),
    { numRuns: 1000 },
  );
});

t.test('the hook can restrict an admin and open a private entry to anonymous callers', async (t) => {
  const deny: AuthorizeHook = () => 'forbidden';
  t.equal(await decideAccess({ principal: { name: 'root', admin: true }, action: 'read', entry: entry() }, { authorize: deny }), 'forbidden');
  const open: AuthorizeHook = async (request, outcome) => (request.action === 'read' ? 'allow' : outcome);
  t.equal(await decideAccess({ principal: null, action: 'read', entry: entry() }, { authorize: open }), 'allow');
  t.equal(await decideAccess({ principal: null, action: 'modify', entry: entry() }, { authorize: open }), 'unauthenticated');
});

t.test('a StowageError thrown by the hook propagates unchanged', async (t) => {
  const thrown = new StowageError('STOWAGE_UNAVAILABLE', 'authority down');
  const request: AccessRequest = { principal: null, action: 'read', entry: entry() };
  for (const authorize of [
    (): never => {
      throw thrown;
    },
    async (): Promise<never> => Promise.reject(thrown),
  ]) {
    const error = await decideAccess(request, { authorize }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.equal(error, thrown);
  }
});

t.test('any other failure of the hook becomes STOWAGE_INTERNAL with the original as cause', async (t) => {
  const request: AccessRequest = { principal: null, action: 'read', entry: entry() };
  for (const original of [new Error('boom'), new TypeError('bug'), 'a string', undefined]) {
    for (const async of [false, true]) {
      const authorize: AuthorizeHook = async
        ? () => Promise.reject(original)
        : () => {
            throw original;
          };
      const error = await decideAccess(request, { authorize }).then(
        () => undefined,
        (e: unknown) => e,
      );
      t.ok(isStowageError(error, 'STOWAGE_INTERNAL'));
      t.equal((error as StowageError).cause, original);
    }
  }
});

t.test('a hook answering something that is not an outcome is STOWAGE_INTERNAL', async (t) => {
  const garbage: unknown[] = [null, 'ALLOW', 'allowed', '', 0, 1, true, {}, ['allow'], Symbol('allow'), new String('allow')];
  for (const value of garbage) {
    for (const async of [false, true]) {
      const authorize = (async ? () => Promise.resolve(value) : () => value) as unknown as AuthorizeHook;
      await t.rejects(decideAccess({ principal: null, action: 'read', entry: entry() }, { authorize }), { code: 'STOWAGE_INTERNAL' });
    }
  }
  await fc.assert(
    fc.asyncProperty(fc.anything().filter((v) => v !== undefined && !isAccessOutcome(v)), async (value) => {
      const authorize = (() => value) as unknown as AuthorizeHook;
      const error = await decideAccess({ principal: null, action: 'read', entry: entry() }, { authorize }).then(
        () => undefined,
        (e: unknown) => e,
      );
      return isStowageError(error, 'STOWAGE_INTERNAL');
    }),
  );
});

t.test('a malformed policy is STOWAGE_INVALID_CONFIG', async (t) => {
  const request: AccessRequest = { principal: null, action: 'read', entry: entry() };
  for (const policy of [null, 'strict', { hideExistence: 'yes' }, { authorize: 'allow' }]) {
    await t.rejects(decideAccess(request, policy as unknown as PermissionPolicy), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});

t.test('a malformed request is a TypeError', async (t) => {
  const good: AccessRequest = { principal: { name: 'alice' }, action: 'read', entry: entry() };
  const bad: unknown[] = [
    null,
    { ...good, action: 'write' },
    { ...good, principal: { name: '' } },
    { ...good, principal: { name: 42 } },
    { ...good, principal: 'alice' },
    { ...good, principal: { name: 'alice', groups: 'staff' } },
    { ...good, principal: { name: 'alice', groups: [1] } },
    { ...good, principal: { name: 'alice', admin: 'yes' } },
    { ...good, entry: null },
    { ...good, entry: entry({ visibility: 'secret' as 'private' }) },
    { ...good, entry: { ...entry(), readers: 'alice' } },
    { ...good, entry: { ...entry(), writers: undefined } },
    { ...good, entry: { ...entry(), author: null } },
  ];
  for (const request of bad) {
    await t.rejects(decideAccess(request as AccessRequest), TypeError);
  }
});
