import t from 'tap';
import { Pipeline, type Stage } from '../../src/pipeline/pipeline.js';

type Log = { steps: string[] };

function recorder(name: string): Stage<Log> {
  return {
    name,
    async run(context, next) {
      context.steps.push(`${name}:before`);
      await next();
      context.steps.push(`${name}:after`);
    },
  };
}

t.test('stages run onion-style in order, and positions insert relative to names', async (t) => {
  const pipeline = new Pipeline<Log>('demo', [recorder('a'), recorder('c')]);
  pipeline.use(recorder('b'), { before: 'c' }).use(recorder('d'), { after: 'c' }).use(recorder('z'));
  pipeline.use(recorder('first'), { before: 'a' });
  t.same(pipeline.names(), ['first', 'a', 'b', 'c', 'd', 'z']);
  const context = { steps: [] as string[] };
  await pipeline.run(context);
  t.same(context.steps.slice(0, 6), ['first:before', 'a:before', 'b:before', 'c:before', 'd:before', 'z:before']);
  t.same(context.steps.slice(6), ['z:after', 'd:after', 'c:after', 'b:after', 'a:after', 'first:after']);
});

t.test('a stage can veto, and earlier stages can undo', async (t) => {
  const undone: string[] = [];
  const pipeline = new Pipeline<Log>('demo', [
    {
      name: 'prepare',
      async run(_context, next) {
        try {
          await next();
        } catch (error) {
          undone.push('prepare');
          throw error;
        }
      },
    },
    {
      name: 'veto',
      async run() {
        throw new Error('vetoed');
      },
    },
    recorder('never'),
  ]);
  const context = { steps: [] as string[] };
  await t.rejects(pipeline.run(context), /vetoed/);
  t.same(undone, ['prepare']);
  t.same(context.steps, []);
});

t.test('a stage that returns without next() ends the operation', async (t) => {
  const pipeline = new Pipeline<Log>('demo', [{ name: 'stop', run: async () => undefined }, recorder('never')]);
  const context = { steps: [] as string[] };
  await pipeline.run(context);
  t.same(context.steps, []);
});

t.test('next() twice is an internal error', async (t) => {
  const pipeline = new Pipeline<Log>('demo', [
    {
      name: 'twice',
      async run(_context, next) {
        await next();
        await next();
      },
    },
  ]);
  await t.rejects(pipeline.run({ steps: [] }), { code: 'STOWAGE_INTERNAL' });
});

t.test('a stage written without async: a throw rejects the run, a plain return ends it', async (t) => {
  const boom = new Error('boom');
  const throwing = new Pipeline<Log>('demo', [
    recorder('outer'),
    {
      name: 'sync-throw',
      run: () => {
        throw boom;
      },
    },
  ]);
  const context = { steps: [] as string[] };
  // `run` itself never throws synchronously: the failure arrives as a rejection.
  const running = throwing.run(context);
  t.type(running, Promise);
  await t.rejects(running, boom);
  t.same(context.steps, ['outer:before'], 'the outer stage saw the failure through next()');

  const plain = new Pipeline<Log>('demo', [
    { name: 'plain', run: ((ctx: Log) => void ctx.steps.push('plain')) as unknown as Stage<Log>['run'] },
    recorder('never'),
  ]);
  const second = { steps: [] as string[] };
  await plain.run(second);
  t.same(second.steps, ['plain']);

  // A stage returning next()'s promise without awaiting it still runs the rest in order.
  const forwarding = new Pipeline<Log>('demo', [{ name: 'forward', run: (_ctx, next) => next() }, recorder('inner')]);
  const third = { steps: [] as string[] };
  await forwarding.run(third);
  t.same(third.steps, ['inner:before', 'inner:after']);
});

t.test('next() twice without awaiting: the second call rejects, the first ran once', async (t) => {
  let runs = 0;
  const pipeline = new Pipeline<Log>('demo', [
    {
      name: 'twice',
      run(_context, next) {
        const first = next();
        const second = next();
        return Promise.all([first, second]).then(() => undefined);
      },
    },
    {
      name: 'counted',
      async run(_context, next) {
        runs += 1;
        await next();
      },
    },
  ]);
  await t.rejects(pipeline.run({ steps: [] }), { code: 'STOWAGE_INTERNAL' });
  t.equal(runs, 1);
});

t.test('running operations keep the stages they started with', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pipeline = new Pipeline<Log>('demo', [
    {
      name: 'wait',
      async run(_context, next) {
        await gate;
        await next();
      },
    },
  ]);
  const context = { steps: [] as string[] };
  const running = pipeline.run(context);
  pipeline.use(recorder('late'));
  release();
  await running;
  t.same(context.steps, []);
  const again = { steps: [] as string[] };
  await pipeline.run(again);
  t.same(again.steps, ['late:before', 'late:after']);
});

t.test('replace and remove', async (t) => {
  const pipeline = new Pipeline<Log>('demo', [recorder('a'), recorder('b')]);
  pipeline.replace('a', recorder('x'));
  t.same(pipeline.names(), ['x', 'b']);
  pipeline.replace('b', recorder('b'));
  pipeline.remove('x');
  t.same(pipeline.names(), ['b']);
  t.throws(() => pipeline.replace('b', recorder('b')).use(recorder('c')).replace('c', recorder('b')), { code: 'STOWAGE_INVALID_CONFIG' });
});

t.test('malformed stages and unknown positions are configuration errors', async (t) => {
  const pipeline = new Pipeline<Log>('demo', [recorder('a')]);
  t.throws(() => pipeline.use(recorder('a')), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.use(recorder('b'), { before: 'missing' }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.use(recorder('b'), { after: 'missing' }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.use(recorder('has space')), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.use(recorder('')), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.use({ name: 'x' } as unknown as Stage<Log>), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.use(null as unknown as Stage<Log>), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.remove('missing'), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => pipeline.replace('missing', recorder('m')), { code: 'STOWAGE_INVALID_CONFIG' });
  t.same(pipeline.names(), ['a']);
});
