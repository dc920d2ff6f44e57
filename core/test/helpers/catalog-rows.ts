/** One blob and one entry of it, for catalog tests that need a row or two. */
export const SHA = 'a'.repeat(64);
export const ID = 'b'.repeat(64);
export const T0 = new Date('2026-01-01T00:00:00.123Z');
export const candidate = { sha256: SHA, sha1: 'c'.repeat(40), size: 1, backend: 'shard', path: 'aa/aa/aaaa' };
export const entry = {
  id: ID,
  filename: 'f.txt',
  position: 0,
  backend: 'shard',
  path: candidate.path,
  size: 1,
  sha256: SHA,
  sha1: candidate.sha1,
  contentType: 'text/plain',
  createdAt: T0,
  plannedPath: 'shard:x',
  author: '',
  saltKeyId: 'k',
  visibility: 'public' as const,
  readers: [],
  writers: [],
  expiresAt: null,
};
