import type { Backend } from './backend.js';
import { ForwardingBackend } from './forwarding-backend.js';

/** Wraps a backend in one concern (retry, timeout, limits, ...) and returns the wrapped backend. */
export type Layer = (inner: Backend) => Backend;

/**
 * Folds `layers` over `backend` in order: the first layer is innermost, the last is the one
 * callers reach first. `applyLayers(b, [retry, timeout])` makes every retry attempt get its own
 * deadline; `[timeout, retry]` would bound all attempts together.
 */
export function applyLayers(backend: Backend, layers: readonly Layer[]): Backend {
  return layers.reduce<Backend>((inner, layer) => layer(inner), backend);
}

/**
 * The names of the layers stacked on a backend, outermost first, ending with the scheme of the
 * backend underneath: for example `['timeout', 'retry', 'file']`.
 */
export function describeLayers(backend: Backend): string[] {
  const names: string[] = [];
  let current: Backend = backend;
  while (current instanceof ForwardingBackend) {
    names.push(current.layerName);
    current = current.inner;
  }
  names.push(current.info.scheme);
  return names;
}
