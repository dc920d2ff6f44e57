#!/usr/bin/env node
// `npm start -w examples/recodex-fileserver [-- --port 9999 --dir DIR --htpasswd FILE]`: the
// ReCodEx fileserver in the original's dev mode, on 127.0.0.1:9999 over a temporary directory
// that is removed on Ctrl-C or SIGTERM.
import { isStowageError } from '@stowage/core';
import { parseFileserverArguments, USAGE } from './arguments.js';
import { describeFileserver, startFileserver } from './fileserver.js';

try {
  const options = parseFileserverArguments(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
  } else {
    const fileserver = await startFileserver(options);
    process.stdout.write(describeFileserver(fileserver, options.htpasswd !== undefined));
    const stop = (): void => {
      void fileserver.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (error) {
  process.stderr.write(`recodex-fileserver: ${isStowageError(error) ? `${error.message} (${error.code})` : String(error)}\n`);
  process.exitCode = isStowageError(error, 'STOWAGE_INVALID_CONFIG') ? 2 : 1;
}
