export { createSmbBackend } from './create-smb-backend.js';
export { mapSmbError, NT_STATUS_ERRORS, TRANSPORT_ERRORS, type SmbErrorMapping } from './errors.js';
export {
  decodeSegment,
  encodeKey,
  encodeSegment,
  LONG_PREFIX,
  MAX_NAME_BYTES,
  PRIVATE_PREFIX,
  RESERVED_FIRST_SEGMENT,
  recordNameOf,
  storedNameOf,
} from './name-encoding.js';
export { parseSmbOptions, type ResolvedSmbOptions, type SmbBackendOptions, type SmbCredentials } from './options.js';
export { ShareLayout, type StoredPath, type StoredSegment } from './share-layout.js';
export { SmbBackend } from './smb-backend.js';
export { NT_STATUS, ntStatusName, type NtStatusName } from './wire/nt-status.js';
export { createMountedShareBackend, type MountedShareOptions } from './mounted/create-mounted-share-backend.js';
export { EncodedNamesBackend } from './mounted/encoded-names-backend.js';
export { IN_USE, smbAwareFileSystem, type SmbAwareFileSystemOptions } from './mounted/smb-aware-file-system.js';
