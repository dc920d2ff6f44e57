import type { Backend } from './backend.js';
import { OPTIONAL_OPERATIONS } from './capabilities.js';

const REQUIRED_OPERATIONS = ['stat', 'read', 'write', 'list', 'delete', 'createDir'] as const;

/**
 * Lists what is wrong with the shape of a backend, or `[]`: `info` and `capabilities` must be
 * frozen, `info` must name a scheme and a name, every required operation must be a function, and
 * every optional operation must be present exactly when its capability is set.
 */
export function findBackendShapeProblems(backend: Backend): string[] {
  const problems: string[] = [];
  const { info, capabilities } = backend;
  if (typeof info !== 'object' || info === null || !Object.isFrozen(info)) problems.push('info is not a frozen object');
  else {
    if (typeof info.scheme !== 'string' || info.scheme === '') problems.push('info.scheme is not a non-empty string');
    if (typeof info.name !== 'string' || info.name === '') problems.push('info.name is not a non-empty string');
    if (typeof info.root !== 'string') problems.push('info.root is not a string');
  }
  if (typeof capabilities !== 'object' || capabilities === null || !Object.isFrozen(capabilities)) {
    problems.push('capabilities is not a frozen object');
    return problems;
  }
  if (!Object.isFrozen(capabilities.nativeHashes)) problems.push('capabilities.nativeHashes is not frozen');
  for (const operation of REQUIRED_OPERATIONS) {
    if (typeof backend[operation] !== 'function') problems.push(`${operation} is not a function`);
  }
  for (const operation of OPTIONAL_OPERATIONS) {
    const present = typeof backend[operation] === 'function';
    if (present !== capabilities[operation]) {
      problems.push(`${operation} is ${present ? 'present' : 'absent'} but capabilities.${operation} is ${String(capabilities[operation])}`);
    }
  }
  return problems;
}

/** Throws a `TypeError` listing the problems {@link findBackendShapeProblems} finds. */
export function assertBackendShape(backend: Backend): void {
  const problems = findBackendShapeProblems(backend);
  if (problems.length > 0) throw new TypeError(`Malformed backend: ${problems.join('; ')}`);
}
