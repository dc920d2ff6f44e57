import fc from 'fast-check';
import t from 'tap';
import { principalMatches } from '../../src/policies/index.js';

t.test('plain items match the name exactly', async (t) => {
  t.ok(principalMatches({ name: 'alice' }, ['bob', 'alice']));
  t.notOk(principalMatches({ name: 'alice' }, ['Alice', 'alice ', ' alice', 'ALICE']));
  t.notOk(principalMatches({ name: 'alice' }, []));
  t.notOk(principalMatches({ name: 'é' }, ['e\u0301']), 'no Unicode normalization');
});

t.test('group items match the principal\'s groups exactly', async (t) => {
  t.ok(principalMatches({ name: 'alice', groups: ['staff'] }, ['group:staff']));
  t.notOk(principalMatches({ name: 'alice', groups: ['staff'] }, ['group:Staff', 'staff']));
  t.notOk(principalMatches({ name: 'alice' }, ['group:staff']));
  t.notOk(principalMatches({ name: 'alice', groups: [''] }, ['group:']), 'an empty group name matches nobody');
});

t.test('an item group:x never matches a principal named group:x', async (t) => {
  t.notOk(principalMatches({ name: 'group:x' }, ['group:x']));
  t.ok(principalMatches({ name: 'group:x', groups: ['x'] }, ['group:x']));
});

t.test('an empty name matches nothing', async (t) => {
  t.notOk(principalMatches({ name: '' }, ['']));
});

t.test('matching is a membership test over the items', async () => {
  const item = fc.oneof(fc.string(), fc.string().map((s) => `group:${s}`));
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.array(fc.string()), fc.array(item), fc.array(item), (name, groups, a, b) => {
      const principal = { name, groups };
      const both = principalMatches(principal, [...a, ...b]);
      return both === (principalMatches(principal, a) || principalMatches(principal, b)) &&
        (name.startsWith('group:') || principalMatches(principal, [name])) &&
        groups.every((g) => g === '' || principalMatches(principal, [`group:${g}`]));
    }),
  );
});
