import { readFile } from 'node:fs/promises';
import { forwardAuth, htpasswdAuth, tokenAuth, type AuthStrategy, type Principal } from '@stowage/core';
import type { AuthConfig } from './auth-config.js';
import { parseTokens } from './auth-config.js';
import { invalidField } from './config-fields.js';

async function tokensOfFile(file: string): Promise<Readonly<Record<string, Principal>>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw invalidField('config.auth.tokenFile', `must be a readable JSON file of token → principal (${(error as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
  }
  return parseTokens(value, 'config.auth.tokenFile');
}

/**
 * The authentication strategies of an {@link AuthConfig}, in order: tokens (`tokens` and the
 * token file together), htpasswd, forward-auth. Reads the token file once, now.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` for an unreadable or invalid token file, a token in both
 * `tokens` and the file, or what the core strategies refuse (an unreadable htpasswd file).
 */
export async function authStrategiesOf(auth: AuthConfig): Promise<AuthStrategy[]> {
  const tokens: Record<string, Principal> = { ...auth.tokens };
  if (auth.tokenFile !== undefined) {
    const fromFile = await tokensOfFile(auth.tokenFile);
    Object.keys(fromFile).forEach((token, index) => {
      if (Object.hasOwn(tokens, token)) throw invalidField(`config.auth.tokenFile[${index}]`, 'repeats a token of config.auth.tokens');
      tokens[token] = fromFile[token] as Principal;
    });
  }
  const strategies: AuthStrategy[] = [];
  if (Object.keys(tokens).length > 0) {
    strategies.push(tokenAuth({ tokens, ...(auth.tokenHeader === undefined ? {} : { header: auth.tokenHeader }) }));
  }
  if (auth.htpasswdFile !== undefined) strategies.push(htpasswdAuth({ file: auth.htpasswdFile }));
  if (auth.forwardAuth !== undefined) {
    const { url, timeoutMs } = auth.forwardAuth;
    strategies.push(forwardAuth({ url, ...(timeoutMs === undefined ? {} : { timeoutMs }) }));
  }
  return strategies;
}
