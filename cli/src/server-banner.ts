import type { RunningServer } from './server.js';
import type { ShardConfig } from './config/storage-config.js';

function shardLine(shard: ShardConfig, directory: string): string {
  const root = shard.root ?? `${directory}/blobs`;
  const delivery = shard.delivery.mode === 'x-accel' ? `x-accel ${shard.delivery.internalPrefix}` : shard.delivery.mode;
  const placement = shard.active === false ? ', inactive' : shard.weight === undefined ? '' : `, weight ${shard.weight}`;
  return `${shard.name} -> ${root} (${delivery}${placement})`;
}

/**
 * What `stowage serve --config` prints once listening: URL, data directory, shards with their
 * delivery, the authentication strategies and the upload endpoint. Never a token or a password.
 */
export function describeServer(server: RunningServer): string {
  const { config } = server;
  const auth = [
    ...(Object.keys(config.auth.tokens).length > 0 || config.auth.tokenFile !== undefined ? ['tokens'] : []),
    ...(config.auth.htpasswdFile === undefined ? [] : ['htpasswd']),
    ...(config.auth.forwardAuth === undefined ? [] : [`forward-auth ${new URL(config.auth.forwardAuth.url).origin}`]),
  ];
  const uploads = config.uploads === false ? 'off' : `POST ${server.url}${config.mediaPrefix || '/'} (authenticated principals)`;
  return [
    `Stowage is listening on ${server.url}`,
    `  data:       ${server.directory}`,
    ...config.storage.shards.map((shard, index) => `  ${index === 0 ? 'shards:    ' : '           '} ${shardLine(shard, server.directory)}`),
    `  auth:       ${auth.length === 0 ? 'none (every request is anonymous)' : auth.join(', ')}`,
    `  uploads:    ${uploads}`,
    `  downloads:  ${server.url}${config.mediaPrefix}/<id>/<filename>`,
    '',
  ].join('\n');
}
