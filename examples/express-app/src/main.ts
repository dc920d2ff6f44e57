#!/usr/bin/env node
// `npm start -w examples/express-app`: the reports application on 127.0.0.1 (PORT, default 3000),
// over a temporary directory (or STOWAGE_DIR), removed on Ctrl-C or SIGTERM.
import { isStowageError } from '@stowage/core';
import { serverOptionsFromEnv } from './env.js';
import { describeServer, startServer } from './server.js';

try {
  const server = await startServer({
    ...serverOptionsFromEnv(process.env),
    onError: (error) => process.stderr.write(`reports app: ${isStowageError(error) ? error.code : String(error)}\n`),
  });
  process.stdout.write(describeServer(server));
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`reports app: ${isStowageError(error) ? `${error.message} (${error.code})` : String(error)}\n`);
  process.exitCode = isStowageError(error, 'STOWAGE_INVALID_CONFIG') ? 2 : 1;
}
