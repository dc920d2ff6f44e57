import { resolve } from 'node:path';
import { loadServeConfig } from './config/load-config.js';
import { NGINX_HTTP_MAPS, renderNginxServerBlock } from './nginx/server-block.js';
import { renderStandaloneNginxConf } from './nginx/standalone-conf.js';
import { parseFlags, portFlag, stringFlag, usageError } from './cli-flags.js';

/** What `stowage nginx-config` was asked for. */
export interface NginxConfigOptions {
  /** The `stowage serve` configuration file. */
  readonly config: string;
  /** The port nginx listens on, on 127.0.0.1. @defaultValue 8081 */
  readonly listen: number;
  /** Where Stowage listens; `undefined`: the configuration's host and port. */
  readonly upstream: string | undefined;
  /** Print a complete nginx.conf writing under this directory instead of a server block. */
  readonly standalone: string | undefined;
  /** The `user` directive of the standalone nginx.conf. */
  readonly user: string | undefined;
}

/** The port `stowage nginx-config` listens on by default. */
export const DEFAULT_NGINX_PORT = 8081;

/**
 * Reads `stowage nginx-config --config FILE [--listen PORT] [--upstream URL] [--standalone DIR [--user NAME]]`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the flag: an unknown flag, no `--config`, a bad port,
 * `--user` without `--standalone`.
 */
export function parseNginxConfigOptions(argv: readonly string[]): NginxConfigOptions {
  const values = parseFlags('nginx-config', argv, ['config', 'listen', 'upstream', 'standalone', 'user']);
  const config = stringFlag('nginx-config', 'config', values['config']);
  if (config === undefined) throw usageError('nginx-config', '--config FILE is required');
  const standalone = stringFlag('nginx-config', 'standalone', values['standalone']);
  const user = stringFlag('nginx-config', 'user', values['user']);
  if (user !== undefined && standalone === undefined) throw usageError('nginx-config', '--user needs --standalone');
  return {
    config,
    listen: portFlag('nginx-config', 'listen', values['listen'], 1) ?? DEFAULT_NGINX_PORT,
    upstream: stringFlag('nginx-config', 'upstream', values['upstream']),
    standalone: standalone === undefined ? undefined : resolve(standalone),
    user,
  };
}

/**
 * The text `stowage nginx-config` prints: the http-level map and the server block for the
 * configuration (a file for nginx's http context, e.g. /etc/nginx/conf.d/stowage.conf), or with
 * `standalone` a complete nginx.conf around them.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` from the configuration file or the nginx builders.
 */
export async function nginxConfigText(options: NginxConfigOptions): Promise<string> {
  const config = await loadServeConfig(options.config);
  const server = renderNginxServerBlock(config, { listen: options.listen, upstream: options.upstream });
  if (options.standalone === undefined) return `${NGINX_HTTP_MAPS}\n${server}`;
  return renderStandaloneNginxConf({ directory: options.standalone, servers: [server], user: options.user });
}
