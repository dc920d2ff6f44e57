#!/usr/bin/env node
import { isStowageError } from '@stowage/core';
import { startDemoServer } from './demo-server.js';
import { parseServeOptions } from './serve-options.js';

const USAGE = `usage: stowage serve [--port N] [--dir PATH]

  serve   the media profile on 127.0.0.1 (local disk + SQLite catalog); without --dir it
          works in a temporary directory deleted on exit
`;

async function serve(argv: readonly string[]): Promise<void> {
  const server = await startDemoServer(parseServeOptions(argv));
  const example = `${server.url}/media`;
  process.stdout.write(
    [
      `Stowage is listening on ${server.url}`,
      `  data:       ${server.directory}`,
      `  demo token: ${server.token}`,
      '',
      'Upload a file (answers 201 with its /media/<id>/<filename> URL):',
      `  curl -H 'Authorization: Bearer ${server.token}' -F file=@README.md ${example}`,
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Runs the command line; exit codes: 0 ok, 1 failure, 2 usage error. */
async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  process.stderr.write(USAGE);
  process.exitCode = command === undefined || command === '--help' || command === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`stowage: ${isStowageError(error) ? `${error.message} (${error.code})` : String(error)}\n`);
  process.exitCode = isStowageError(error) && error.code === 'STOWAGE_INVALID_CONFIG' ? 2 : 1;
});
