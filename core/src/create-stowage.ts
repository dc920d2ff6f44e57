// The composition root: the one module that imports tsyringe (and the Reflect polyfill it needs).
import 'reflect-metadata';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { installUnservedGuards } from './archive/unserved.js';
import type { Catalog } from './catalog/catalog.js';
import { createMemoryCatalog } from './catalog/memory-catalog.js';
import { withEntryCache } from './catalog/entry-cache.js';
import type { StowageConfig } from './media/config.js';
import { createDefaultPipelines } from './media/default-pipelines.js';
import { KeyedLock } from './media/keyed-lock.js';
import { MediaFacade } from './media/media-facade.js';
import { SmallBlobCache } from './media/read/small-blob-cache.js';
import { resolveConfig, type ResolvedConfig } from './media/resolve-config.js';
import { BlobPins, type MediaServices } from './media/services.js';
import type { Stowage, StowagePipelines } from './media/stowage.js';
import { createSaltKeyring, type SaltKeyring } from './policies/index.js';
import { createShardRouter, type ShardRouter } from './sharding/index.js';
import { StowageError } from './stowage-error.js';

/** The injection tokens of the container `createStowage` builds, one per interface. */
export const TOKENS = Object.freeze({
  config: Symbol('stowage.config'),
  catalog: Symbol('stowage.catalog'),
  router: Symbol('stowage.router'),
  keyring: Symbol('stowage.keyring'),
  services: Symbol('stowage.services'),
  pipelines: Symbol('stowage.pipelines'),
  stowage: Symbol('stowage.facade'),
});

function register(container: DependencyContainer, config: StowageConfig, resolved: ResolvedConfig): void {
  container.register(TOKENS.config, { useValue: resolved });
  container.register<Catalog>(TOKENS.catalog, { useFactory: instanceCachingFactory(() => withEntryCache(config.catalog ?? createMemoryCatalog(), resolved.entryCache)) });
  container.register<ShardRouter>(TOKENS.router, {
    useFactory: instanceCachingFactory(() =>
      createShardRouter({
        shards: resolved.descriptors.map((descriptor) => ({
          name: descriptor.name,
          backend: descriptor.backend,
          ...(descriptor.active === undefined ? {} : { active: descriptor.active }),
          ...(descriptor.weight === undefined ? {} : { weight: descriptor.weight }),
          ...(descriptor.freeBytes === undefined ? {} : { freeBytes: descriptor.freeBytes }),
        })),
        ...(config.placement === undefined ? {} : { strategy: config.placement }),
      }),
    ),
  });
  container.register<SaltKeyring>(TOKENS.keyring, { useFactory: instanceCachingFactory(() => createSaltKeyring(config.salt)) });
  container.register<MediaServices>(TOKENS.services, {
    useFactory: instanceCachingFactory((c) =>
      Object.freeze({
        config: c.resolve<ResolvedConfig>(TOKENS.config),
        smallBlobs: (({ maxBytes, maxBlobBytes }) => new SmallBlobCache(maxBytes, maxBlobBytes))(c.resolve<ResolvedConfig>(TOKENS.config).smallBlobCache),
        catalog: c.resolve<Catalog>(TOKENS.catalog),
        router: c.resolve<ShardRouter>(TOKENS.router),
        keyring: c.resolve<SaltKeyring>(TOKENS.keyring),
        blobLocks: new KeyedLock(),
        pins: new BlobPins(),
        uploads: new Set<string>(),
      }),
    ),
  });
  container.register<StowagePipelines>(TOKENS.pipelines, { useFactory: instanceCachingFactory(() => createDefaultPipelines()) });
  container.register<Stowage>(TOKENS.stowage, {
    useFactory: instanceCachingFactory((c) => {
      const services = c.resolve<MediaServices>(TOKENS.services);
      const closers = [
        () => services.catalog.close(),
        ...resolved.descriptors.map((descriptor) => async () => {
          await descriptor.backend.close?.();
        }),
      ];
      return new MediaFacade(services, c.resolve<StowagePipelines>(TOKENS.pipelines), closers);
    }),
  });
}

/**
 * Builds a {@link Stowage} facade from a configuration.
 *
 * Behavior: validates the configuration once (before touching any backend), then composes the
 * catalog (a memory catalog when none is given), the shard router over the backends, the salt
 * keyring, and the default pipelines (plus the guards that hide unserved members, see
 * `installUnservedGuards`) in a tsyringe child container of their own, so two
 * instances never share state. `close()` on the facade closes the catalog and the backends.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the first invalid field.
 */
export function createStowage(config: StowageConfig): Stowage {
  const resolved = resolveConfig(config);
  if (config.salt === undefined || config.salt === null) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'config.salt is required: the secret that makes long ids unguessable');
  }
  const container = rootContainer.createChildContainer();
  register(container, config, resolved);
  // Resolve eagerly so configuration errors (router, keyring) surface here, not on first use.
  const stowage = container.resolve<Stowage>(TOKENS.stowage);
  // Members stored but never served (a task folder's unexported files) are hidden from every
  // read from the first request on, not only once an import has run.
  installUnservedGuards(stowage);
  return stowage;
}
