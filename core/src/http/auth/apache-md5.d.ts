/** Minimal types of the `apache-md5` package (Apache's `$apr1$` MD5-crypt). */
declare module 'apache-md5' {
  /**
   * Hashes `password` (each character's low byte, so pass UTF-8 bytes as a latin1 string) with
   * the salt of `salt` (a full `$apr1$salt$hash` value or omitted for a random salt), answering
   * `$apr1$salt$hash`.
   */
  function apacheMd5(password: string, salt?: string): string;
  export = apacheMd5;
}
