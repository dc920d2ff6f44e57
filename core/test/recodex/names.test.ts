import fc from 'fast-check';
import t from 'tap';
import { sanitizeArchiveName } from '../../src/archive/index.js';
import { normalizePath } from '../../src/path.js';
import { isStowageError } from '../../src/stowage-error.js';
import {
  checkSubmissionId,
  checkSubmissionPath,
  checkTaskFieldName,
  isSubmissionId,
  isTaskHash,
  parseRecodexTarget,
  pythonJson,
} from '../../src/recodex/index.js';

function codeOfThrow(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return isStowageError(error) ? error.code : 'not a StowageError';
  }
}

t.test('submission ids: the documented charset', async (t) => {
  for (const id of ['job-id-xxxx', 'student_6a3f1c2e-0b7d-4e1a-9c4f-2d8e5b6a7c90', 'a', 'A.b-c_d', 'x'.repeat(128), '0', '_', '-']) {
    t.ok(isSubmissionId(id), id);
    t.equal(checkSubmissionId(id), id);
  }
  for (const id of ['', '.', '..', '.hidden', 'trail.', 'a/b', 'a\\b', 'a b', 'a%2Fb', 'é', 'x'.repeat(129), 'a\u0000', 'a:b', 42]) {
    t.notOk(isSubmissionId(id), String(id));
    t.equal(codeOfThrow(() => checkSubmissionId(id)), 'STOWAGE_INVALID_PATH');
  }
  t.ok(isTaskHash('da39a3ee5e6b4b0d3255bfef95601890afd80709'));
  for (const hash of ['DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', 'da39', `${'0'.repeat(40)}0`, 'g'.repeat(40), null]) t.notOk(isTaskHash(hash));
});

t.test('submission paths: refused classes (U11, Z16) with STOWAGE_INVALID_PATH, never rewritten', async (t) => {
  const refused = [
    undefined,
    '',
    '/etc/passwd',
    '/abs',
    '../x',
    'a/../../b',
    'a/./b',
    '.',
    '..',
    'a\\b',
    '..\\evil',
    'C:\\x',
    'a//b',
    'a/',
    'x\u0000y',
    'tab\there',
    'del\u007f',
    'c1\u0085',
    'C:x',
    'a:b',
    'c:/windows',
    '\ud800lone',
    `${'n'.repeat(256)}`,
    `${'d/'.repeat(600)}f`,
  ];
  for (const name of refused) t.equal(codeOfThrow(() => checkSubmissionPath(name)), 'STOWAGE_INVALID_PATH', JSON.stringify(name));
  const kept = ['foo.txt', 'bar/baz/bah.txt', 'CON', 'nul.txt', 'trail.', 'trail ', 'ab:c', 'a?b', 'a*b', 'file::$DATA', ' lead', '%2F', 'src/Main.java', '日本語/ファイル.c', 'Makefile', 'a..b', '...'];
  for (const name of kept) t.equal(checkSubmissionPath(name), name, JSON.stringify(name));
  t.equal(checkSubmissionPath('cafe\u0301.txt'), 'caf\u00e9.txt', 'NFD is stored as NFC');
});

t.test('property: an accepted path is its own backend path and its own zip member name', async () => {
  const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
      const name = segments.join('/');
      let accepted: string;
      try {
        accepted = checkSubmissionPath(name);
      } catch (error) {
        if (!isStowageError(error, 'STOWAGE_INVALID_PATH')) throw error;
        return;
      }
      if (normalizePath(accepted) !== accepted) throw new Error(`${JSON.stringify(name)} changes as a backend path`);
      if (sanitizeArchiveName(accepted) !== accepted) throw new Error(`${JSON.stringify(name)} changes as a zip member`);
      if (accepted !== name.normalize('NFC')) throw new Error(`${JSON.stringify(name)} was rewritten`);
    }),
    { numRuns: 2000 },
  );
});

t.test('task field names: any non-empty name without control characters, unchanged', async (t) => {
  for (const name of ['test.in', '__proto__', 'constructor', 'constructor[prototype][x]', 'a/b', '../x', 'é', ' ']) t.equal(checkTaskFieldName(name), name);
  for (const name of [undefined, '', 'a\u0000', 'a\nb', 'x'.repeat(1025)]) t.equal(codeOfThrow(() => checkTaskFieldName(name)), 'STOWAGE_INVALID_ARGUMENT', JSON.stringify(name));
});

t.test('pythonJson writes what Python json.dumps writes', async (t) => {
  // Outputs recorded from Python 3.11: json.dumps(value).
  t.equal(pythonJson({ archive_path: '/submission_archives/x.zip', result_path: '/results/x.zip' }), '{"archive_path": "/submission_archives/x.zip", "result_path": "/results/x.zip"}');
  t.equal(pythonJson({ a: 'é\u0001"\\/\n\u{1f600}', files: {} }), '{"a": "\\u00e9\\u0001\\"\\\\/\\n\\ud83d\\ude00", "files": {}}');
  t.equal(pythonJson({ x: '\udc00', del: '\u007f' }), '{"x": "\\udc00", "del": "\\u007f"}');
  t.equal(pythonJson({ result: 'OK', files: new Map([['__proto__', '/tasks/a'], ['ü', '/tasks/b']]) }), '{"result": "OK", "files": {"__proto__": "/tasks/a", "\\u00fc": "/tasks/b"}}');
  t.equal(pythonJson('plain'), '"plain"');
});

t.test('request targets are parsed before any I/O', async (t) => {
  const hash = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
  const cases: [string, string, unknown][] = [
    ['/submissions/job-1', '', { kind: 'submission', id: 'job-1' }],
    ['/submissions/job-1?x=1#f', '', { kind: 'submission', id: 'job-1' }],
    ['/submission_archives/job-1.zip', '', { kind: 'archive', id: 'job-1' }],
    ['/submission_archives/a.b.zip', '', { kind: 'archive', id: 'a.b' }],
    ['/results/job-1.zip', '', { kind: 'result', id: 'job-1' }],
    ['/tasks', '', { kind: 'tasks' }],
    ['/exercises', '', { kind: 'tasks' }],
    [`/tasks/${hash}`, '', { kind: 'task', hash }],
    [`/exercises/${hash}`, '', { kind: 'task', hash }],
    ['/fs/tasks', '/fs', { kind: 'tasks' }],
    ['http://host:1/fs/tasks', '/fs', { kind: 'tasks' }],
    ['/tasks', '/fs', { kind: 'outside' }],
    ['/', '', { kind: 'outside' }],
    ['/media/x', '', { kind: 'outside' }],
    ['*', '', { kind: 'outside' }],
    ['http://host', '', { kind: 'outside' }],
    ['http://host?x', '', { kind: 'outside' }],
    ['/submissions', '', { kind: 'malformed' }],
    ['/submissions/', '', { kind: 'malformed' }],
    ['/submissions/a/b', '', { kind: 'malformed' }],
    ['/submissions/..', '', { kind: 'malformed' }],
    ['/submissions/%2e%2e', '', { kind: 'malformed' }],
    ['/submissions/a%2Fb', '', { kind: 'malformed' }],
    ['/submissions/a%5Cb', '', { kind: 'malformed' }],
    ['/submission_archives/x.tar', '', { kind: 'malformed' }],
    ['/submission_archives/x', '', { kind: 'malformed' }],
    ['/submission_archives/.zip', '', { kind: 'malformed' }],
    ['/results/..zip', '', { kind: 'malformed' }],
    ['/submission_archives', '', { kind: 'malformed' }],
    ['/tasks/', '', { kind: 'malformed' }],
    [`/tasks/${hash.toUpperCase()}`, '', { kind: 'malformed' }],
    [`/tasks/${hash}/x`, '', { kind: 'malformed' }],
    ['/submissions/%ZZ', '', { kind: 'bad-encoding' }],
    ['/submissions/%C3', '', { kind: 'bad-encoding' }],
    ['/submissions/a%00', '', { kind: 'bad-encoding' }],
    ['/tasks/%0a', '', { kind: 'bad-encoding' }],
    [`/tasks/${'x'.repeat(9000)}`, '', { kind: 'too-long' }],
  ];
  for (const [target, prefix, expected] of cases) t.same(parseRecodexTarget(target, prefix), expected, `${target.slice(0, 60)} under "${prefix}"`);
});
