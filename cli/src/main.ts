#!/usr/bin/env node
import { isStowageError } from '@stowage/core';
import { runBench } from './bench/index.js';
import { loadServeConfig } from './config/load-config.js';
import { startDemoServer } from './demo-server.js';
import { nginxConfigText, parseNginxConfigOptions } from './nginx-config-command.js';
import { describeServer } from './server-banner.js';
import { parseServeOptions, type ServeOptions } from './serve-options.js';
import { startServer } from './server.js';

const USAGE = `usage: stowage serve [--port N] [--dir PATH] [--config FILE] [--profile recodex]
       stowage nginx-config --config FILE [--listen PORT] [--upstream URL] [--standalone DIR [--user NAME]]
       stowage bench --backend DESCRIPTOR [--sizes LIST] [--concurrency N] [--count N] [--seconds S] [--keep] [--quiet]

  serve          the media profile (local disk + SQLite catalog); without --config: the demo on
                 127.0.0.1 with a generated token, and without --dir a temporary directory
                 deleted on exit. --port and --dir override the configuration file.
  nginx-config   print the nginx server block for X-Accel-Redirect delivery (docs/cli.md)
`;

function stopOn(close: () => Promise<void>): void {
  const stop = (): void => {
    void close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function serveDemo(options: ServeOptions): Promise<void> {
  const recodex = options.profiles.includes('recodex');
  const server = await startDemoServer({ port: options.port, dir: options.dir, recodex });
  const example = `${server.url}/media`;
  process.stdout.write(
    [
      `Stowage is listening on ${server.url}`,
      `  data:       ${server.directory}`,
      `  demo token: ${server.token}`,
      '',
      'Upload a file (answers 201 with its /media/<id>/<filename> URL):',
      `  curl -H 'Authorization: Bearer ${server.token}' -F file=@README.md ${example}`,
      ...(recodex ? ['', 'ReCodEx fileserver routes (open, as its dev mode):', `  curl -F foo.txt=@README.md ${server.url}/submissions/job-1`] : []),
      '',
    ].join('\n'),
  );
  stopOn(() => server.close());
}

async function serve(argv: readonly string[]): Promise<void> {
  const options = parseServeOptions(argv);
  if (options.config === undefined) return serveDemo(options);
  const server = await startServer(await loadServeConfig(options.config, { port: options.port, dir: options.dir }), {
    recodex: options.profiles.includes('recodex'),
  });
  process.stdout.write(describeServer(server));
  stopOn(() => server.close());
}

async function nginxConfig(argv: readonly string[]): Promise<void> {
  process.stdout.write(await nginxConfigText(parseNginxConfigOptions(argv)));
}

/** Runs the command line; exit codes: 0 ok, 1 failure, 2 usage error. */
async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serve(rest);
  if (command === 'nginx-config') return nginxConfig(rest);
  if (command === 'bench') return runBench(rest, { stdout: process.stdout, stderr: process.stderr }).then(() => undefined);
  process.stderr.write(USAGE);
  process.exitCode = command === undefined || command === '--help' || command === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`stowage: ${isStowageError(error) ? `${error.message} (${error.code})` : String(error)}\n`);
  process.exitCode = isStowageError(error) && error.code === 'STOWAGE_INVALID_CONFIG' ? 2 : 1;
});
