import { parseArgs } from 'node:util';
import { StowageError } from '@stowage/core';

/** The port the original's dev mode (`fileserver.py runserver 9999`) and this one listen on by default. */
export const DEFAULT_PORT = 9999;

/** What the command line asks for. */
export interface FileserverArguments {
  readonly port: number;
  readonly host: string;
  /** The working directory, kept after exit; absent: a temporary one, deleted on exit. */
  readonly dir?: string;
  /** An htpasswd file: every request then needs HTTP Basic credentials from it. */
  readonly htpasswd?: string;
  readonly help: boolean;
}

/** The `--help` text. */
export const USAGE = `usage: recodex-fileserver [runserver] [PORT] [--port PORT] [--host HOST] [--dir DIR] [--htpasswd FILE]

  --port PORT       port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host HOST       address to listen on (default 127.0.0.1; 0.0.0.0 for workers on other machines)
  --dir DIR         working directory, kept after exit (alias --directory); default: a temporary
                    directory, deleted when the server stops
  --htpasswd FILE   require HTTP Basic credentials from this htpasswd file (bcrypt, {SHA}, $apr1$)
`;

function invalid(message: string, cause?: unknown): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', message, { cause });
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^[0-9]{1,5}$/.test(text) || port > 65535) throw invalid('the port must be an integer from 0 to 65535');
  return port;
}

/**
 * Parses the command line of the example. It takes the original's dev-mode spelling too:
 * `runserver [PORT]` and `--directory DIR`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` for an unknown option, a bad port, or stray arguments.
 */
export function parseFileserverArguments(argv: readonly string[]): FileserverArguments {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
  const { values, positionals } = parsed;
  const rest = positionals[0] === 'runserver' ? positionals.slice(1) : positionals;
  if (rest.length > 1) throw invalid(`unexpected arguments: ${rest.slice(1).join(' ')}`);
  if (rest.length === 1 && values.port !== undefined) throw invalid('give the port once');
  if (values.dir !== undefined && values.directory !== undefined) throw invalid('give --dir or --directory, not both');
  const dir = values.dir ?? values.directory;
  const portText = rest[0] ?? values.port;
  return {
    port: portText === undefined ? DEFAULT_PORT : portOf(portText),
    host: values.host ?? '127.0.0.1',
    ...(dir === undefined ? {} : { dir }),
    ...(values.htpasswd === undefined ? {} : { htpasswd: values.htpasswd }),
    help: values.help === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      dir: { type: 'string' },
      directory: { type: 'string' },
      htpasswd: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
