import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest } from './child-protocol.js';

const SCRIPT = fileURLToPath(new URL('./catalog-child.js', import.meta.url));

/** A forked helper process and its request/reply channel. */
export interface Child {
  send(request: ChildRequest): void;
  /** The next reply, which must have this `op`. */
  reply<Op extends ChildReply['op']>(op: Op): Promise<Extract<ChildReply, { op: Op }>>;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>;
  process: ChildProcess;
}

/**
 * The environment of a child: the test runner's loaders and coverage collection left out, so
 * that a child's partial coverage of the sources is not merged over the tests' own.
 */
export function childEnvironment(): NodeJS.ProcessEnv {
  const { NODE_V8_COVERAGE: _coverage, NODE_OPTIONS: _options, ...environment } = process.env;
  return environment;
}

/** Forks `catalog-child.js`; the caller must make it exit (or kill it in teardown). */
export function forkChild(): Child {
  const child = fork(SCRIPT, [], { execArgv: [], env: childEnvironment(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: ChildReply[] = [];
  const waiters: Array<(reply: ChildReply) => void> = [];
  child.on('message', (message) => {
    const waiter = waiters.shift();
    if (waiter === undefined) replies.push(message as ChildReply);
    else waiter(message as ChildReply);
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return {
    process: child,
    send: (request) => child.send(request),
    async reply(op) {
      const reply = replies.shift() ?? (await Promise.race([new Promise<ChildReply>((resolve) => waiters.push(resolve)), exit.then(() => undefined)]));
      if (reply?.op !== op) throw new Error(`the child answered ${JSON.stringify(reply)} instead of ${op}`);
      return reply as Extract<ChildReply, { op: typeof op }>;
    },
    exited: () => exit,
  };
}
