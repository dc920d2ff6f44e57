/** Concurrent uploads (RELIABILITY U6): one blob per hash, whole submissions, no staging left. */
import { createHash } from 'node:crypto';
import t from 'tap';
import { filesBelow, jsonOf, startRecodexServer } from './helpers/recodex-server.js';
import { zipMembers } from './helpers/zip-listing.js';

t.test('50 concurrent uploads of the same task file store it once and answer the same path', async (t) => {
  const server = await startRecodexServer(t);
  const bytes = Buffer.alloc(200_000, 7);
  const hash = createHash('sha1').update(bytes).digest('hex');
  const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => server.post(index % 2 === 0 ? '/tasks' : '/exercises', [[`input-${index}`, bytes]])));
  for (const [index, answer] of answers.entries()) {
    t.equal(answer.status, 200);
    t.same(jsonOf(answer), { result: 'OK', files: { [`input-${index}`]: `/tasks/${hash}` } });
  }
  t.same(await filesBelow(server.backend), [`tasks/${hash[0] as string}/${hash}`], 'one file, no staging left');
});

t.test('concurrent uploads of one submission id commit one after the other, each whole', async (t) => {
  const server = await startRecodexServer(t);
  const uploads = Array.from({ length: 8 }, (_, index) => [
    [`shared.txt`, `from ${index}`],
    [`own/${index}.txt`, `${index}`],
  ] as [string, string][]);
  const answers = await Promise.all(uploads.map((files) => server.post('/submissions/race', files)));
  for (const answer of answers) t.equal(answer.status, 200);
  const members = await zipMembers((await server.request('GET', '/submission_archives/race.zip')).body);
  const files = members.filter((member) => !member.directory);
  t.same(
    files.map((member) => member.name),
    ['race/shared.txt', 'race/own/0.txt', 'race/own/1.txt', 'race/own/2.txt', 'race/own/3.txt', 'race/own/4.txt', 'race/own/5.txt', 'race/own/6.txt', 'race/own/7.txt'],
    'walk order: the files of race/, then those of race/own/',
  );
  const shared = files.find((member) => member.name === 'race/shared.txt')?.bytes.toString();
  t.match(shared, /^from [0-7]$/, 'the shared name holds one upload whole');
  t.same(await filesBelow(server.backend, 'incoming-submissions'), []);
});

t.test('many different submissions at once', async (t) => {
  const server = await startRecodexServer(t);
  const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => server.post(`/submissions/job-${index}`, [['main.c', `int x = ${index};`]])));
  t.ok(answers.every((answer) => answer.status === 200));
  for (let index = 0; index < 30; index += 1) {
    const members = await zipMembers((await server.request('GET', `/submission_archives/job-${index}.zip`)).body);
    t.equal(members.find((member) => member.name === `job-${index}/main.c`)?.bytes.toString(), `int x = ${index};`);
  }
});
