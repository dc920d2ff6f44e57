export { LocalBackend } from './backend.js';
export { isInside, RESERVED_SEGMENT } from './containment.js';
export { createLocalBackend } from './create-local-backend.js';
export { FS_ERRORS, mapFsError, type FsErrorMapping } from './errors.js';
export { nodeFileSystem, type FileHandleLike, type FileSystem } from './file-system.js';
export { parseLocalOptions, type LocalBackendOptions, type ResolvedLocalOptions } from './options.js';
