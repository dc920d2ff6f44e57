import fc from 'fast-check';
import t from 'tap';
import type { Backend } from '../../src/backend.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { createMemoryCatalog } from '../../src/catalog/memory-catalog.js';
import type { EntryKey } from '../../src/catalog/entry.js';
import type { Stowage } from '../../src/media/stowage.js';
import { invariantViolations } from '../helpers/invariants.js';
import { bytesOf, mediaFixture, type ManualClock } from '../helpers/media-fixture.js';

const CONTENTS = ['alpha', 'beta', 'gamma', ''].map((text) => Buffer.from(text));
const owner = { name: 'owner' };
const GRACE_MS = 1000;

interface Model {
  /** Live entries: key string → content index. */
  readonly live: Map<string, { key: EntryKey; content: number }>;
  /** Removed keys, to replay removes. */
  readonly removed: EntryKey[];
  /** key string → replacement key string. */
  readonly replacedBy: Map<string, string>;
}

interface Real {
  readonly stowage: Stowage;
  readonly catalog: Catalog;
  readonly backends: Record<string, Backend>;
  readonly clock: ManualClock;
}

const name = (key: EntryKey): string => `${key.id}/${key.filename}`;

async function check(model: Model, real: Real, collectedBefore?: Date): Promise<void> {
  const problems = await invariantViolations(real.catalog, real.backends, collectedBefore === undefined ? {} : { collectedBefore });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  let committed = 0;
  for await (const entry of real.catalog.scanEntries({ states: ['committed'] })) {
    committed += 1;
    const expected = model.live.get(name(entry));
    if (expected === undefined) throw new Error(`unexpected entry ${name(entry)}`);
  }
  if (committed !== model.live.size) throw new Error(`model has ${model.live.size} entries, catalog ${committed}`);
  for (const { key } of model.live.values()) {
    const expected = resolveInModel(model, name(key));
    const outcome = await real.stowage.open(key, { principal: owner, followReplacements: true }).then(
      async (opened) => (opened.kind === 'content' ? bytesOf(opened.stream) : 'replaced'),
      (error: { code?: string }) => error.code,
    );
    if (typeof expected === 'string' ? outcome !== expected : !(outcome instanceof Buffer && outcome.equals(CONTENTS[expected] as Buffer))) {
      throw new Error(`reading ${name(key)}: expected ${String(expected)}, got ${String(outcome)}`);
    }
  }
}

/** What reading a key should give: the content index at the end of its chain, or an error code. */
function resolveInModel(model: Model, start: string): number | string {
  const chain = [start];
  let hop = start;
  while (model.replacedBy.has(hop)) {
    hop = model.replacedBy.get(hop) as string;
    if (!model.live.has(hop)) return 'STOWAGE_NOT_FOUND';
    if (chain.includes(hop) || chain.length > 16) return 'STOWAGE_LOOP_DETECTED';
    chain.push(hop);
  }
  return (model.live.get(hop) as { content: number }).content;
}

/** What replacing `from` by `to` should give, walking the chain as the facade documents. */
function expectedReplaceOutcome(model: Model, from: string, to: string): string {
  if (from === to) return 'STOWAGE_LOOP_DETECTED';
  const chain = [to];
  let hop = to;
  while (model.replacedBy.has(hop)) {
    hop = model.replacedBy.get(hop) as string;
    if (!model.live.has(hop)) return 'STOWAGE_NOT_FOUND';
    if (chain.includes(hop) || chain.length > 16) return 'STOWAGE_LOOP_DETECTED';
    chain.push(hop);
  }
  return chain.includes(from) || chain.length > 16 ? 'STOWAGE_LOOP_DETECTED' : 'ok';
}

class PutCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly content: number, readonly files: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const files = Array.from({ length: this.files }, (_, index) => ({
      filename: `f${index}.bin`,
      source: [CONTENTS[(this.content + index) % CONTENTS.length] as Buffer],
    }));
    const result = await real.stowage.put(files, { principal: owner });
    for (const [index, entry] of result.entries.entries()) {
      model.live.set(name(entry), { key: { id: entry.id, filename: entry.filename }, content: (this.content + index) % CONTENTS.length });
    }
    await check(model, real);
  }
  toString = () => `put(${this.content}, ${this.files})`;
}

class RemoveCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number, readonly replay: boolean) {}
  check = (model: Readonly<Model>) => (this.replay ? model.removed.length > 0 : model.live.size > 0);
  async run(model: Model, real: Real): Promise<void> {
    if (this.replay) {
      const key = model.removed[this.pick % model.removed.length] as EntryKey;
      const result = await real.stowage.remove(key, { principal: owner });
      if (result.removed.length !== 0) throw new Error('replayed remove removed something (I10)');
    } else {
      const { key } = [...model.live.values()][this.pick % model.live.size] as { key: EntryKey };
      const result = await real.stowage.remove(key, { principal: owner });
      if (result.removed.length !== 1) throw new Error('remove did not remove');
      model.live.delete(name(key));
      model.removed.push(key);
    }
    await check(model, real);
  }
  toString = () => `remove(${this.pick}, replay=${this.replay})`;
}

class ReplaceCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly from: number, readonly to: number) {}
  check = (model: Readonly<Model>) => model.live.size > 1;
  async run(model: Model, real: Real): Promise<void> {
    const keys = [...model.live.values()].map((value) => value.key);
    const from = keys[this.from % keys.length] as EntryKey;
    const to = keys[this.to % keys.length] as EntryKey;
    const expected = expectedReplaceOutcome(model, name(from), name(to));
    const outcome = await real.stowage.replace(from, to, { principal: owner }).then(
      () => 'ok',
      (error: { code?: string }) => error.code,
    );
    if (outcome !== expected) throw new Error(`replace: expected ${expected}, got ${outcome}`);
    if (outcome === 'ok') model.replacedBy.set(name(from), name(to));
    await check(model, real);
  }
  toString = () => `replace(${this.from}, ${this.to})`;
}

class SweepCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly advanceMs: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.clock.advance(this.advanceMs);
    await real.stowage.sweep();
    await check(model, real, new Date(real.clock.now - GRACE_MS));
  }
  toString = () => `sweep(+${this.advanceMs}ms)`;
}

class FsckCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly repair: boolean) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const report = await real.stowage.fsck({ repair: this.repair, verifyContent: true });
    if (report.findings.some((finding) => finding.kind !== 'orphan-blob')) {
      throw new Error(`fsck found ${JSON.stringify(report.findings)}`);
    }
    await check(model, real);
  }
  toString = () => `fsck(repair=${this.repair})`;
}

const commands = [
  fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 3 })).map(([content, files]) => new PutCommand(content, files)),
  fc.tuple(fc.nat(), fc.boolean()).map(([pick, replay]) => new RemoveCommand(pick, replay)),
  fc.tuple(fc.nat(), fc.nat()).map(([from, to]) => new ReplaceCommand(from, to)),
  fc.constantFrom(0, 500, 1001, 5000).map((advance) => new SweepCommand(advance)),
  fc.boolean().map((repair) => new FsckCommand(repair)),
];

function setup(): { model: Model; real: Real } {
  const fixture = mediaFixture({ retention: { graceMs: GRACE_MS, staleAfterMs: 60_000 }, catalog: createMemoryCatalog() }, ['a', 'b']);
  return { model: { live: new Map(), removed: [], replacedBy: new Map() }, real: fixture };
}

t.test('model-based: put, put-same, remove, replace, sweep and fsck keep I1, I2, I5, I9, I10', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
      await fc.asyncModelRun(setup, cmds);
    }),
    { numRuns: 60 },
  );
  t.pass('every sequence kept the invariants');
});

t.test('interleavings: concurrent puts and removes of the same content under a scheduler', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.record({ kind: fc.constantFrom('put', 'remove', 'sweep'), content: fc.nat(2) }), { minLength: 2, maxLength: 8 }),
      async (scheduler, operations) => {
        const fixture = mediaFixture({ retention: { graceMs: 0, staleAfterMs: 60_000 } });
        const seeded = await fixture.stowage.put({ filename: 'seed', source: [CONTENTS[0] as Buffer] }, { principal: owner });
        const catalog = fixture.catalog;
        for (const method of ['claimBlob', 'markBlobPresent', 'insertEntries', 'deleteEntries', 'claimBlobForDeletion', 'transitionEntries'] as const) {
          const original = (catalog[method] as (...args: unknown[]) => Promise<unknown>).bind(catalog);
          (catalog as unknown as Record<string, unknown>)[method] = scheduler.scheduleFunction(original);
        }
        const acknowledged: { key: EntryKey; content: number }[] = [];
        const removed = new Set<string>();
        const running = operations.map(async (operation) => {
          fixture.clock.advance(1);
          if (operation.kind === 'put') {
            const result = await fixture.stowage.put({ filename: 'x', source: [CONTENTS[operation.content] as Buffer] }, { principal: owner });
            acknowledged.push({ key: { id: result.id, filename: 'x' }, content: operation.content });
          } else if (operation.kind === 'remove') {
            await fixture.stowage.remove({ id: seeded.id }, { principal: owner });
            removed.add(seeded.id);
          } else {
            await fixture.stowage.sweep();
          }
        });
        await scheduler.waitFor(Promise.all(running));
        for (const { key, content } of acknowledged) {
          const opened = await fixture.stowage.open(key, { principal: owner });
          if (opened.kind !== 'content' || !(await bytesOf(opened.stream)).equals(CONTENTS[content] as Buffer)) {
            throw new Error(`acknowledged put ${key.id} lost its bytes`);
          }
        }
        const problems = await invariantViolations(catalog, fixture.backends);
        if (problems.length > 0) throw new Error(problems.join('\n'));
      },
    ),
    { numRuns: 100 },
  );
  t.pass('no interleaving lost an acknowledged put');
});
