import type { Principal } from '@stowage/core';
import { invalidField, objectAt, optionalBoolean, optionalInteger, optionalPath, optionalString } from './config-fields.js';

/** The authentication part of the configuration; strategies are tried in this order: tokens, htpasswd, forward-auth. */
export interface AuthConfig {
  /** Token → principal, from `auth.tokens`. */
  readonly tokens: Readonly<Record<string, Principal>>;
  /** A JSON file of the same shape as `tokens`, read at startup (absolute). */
  readonly tokenFile: string | undefined;
  /** The header carrying tokens; `undefined` is `Authorization: Bearer`. */
  readonly tokenHeader: string | undefined;
  /** An htpasswd file for HTTP Basic (bcrypt, `{SHA}`, `$apr1$`), re-read when it changes (absolute). */
  readonly htpasswdFile: string | undefined;
  /** Forward-auth: the request's `Cookie` and `Authorization` are sent to `url`, whose answer names the principal. */
  readonly forwardAuth: { readonly url: string; readonly timeoutMs: number | undefined } | undefined;
}

const MIN_TOKEN = 16;
const MAX_TOKEN = 4096;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** Reads a principal: a name, or `{ "name", "groups"?, "admin"? }`. */
export function parsePrincipal(value: unknown, field: string): Principal {
  if (typeof value === 'string') {
    if (value === '') throw invalidField(field, 'must name a principal');
    return Object.freeze({ name: value });
  }
  const object = objectAt(value, field, ['name', 'groups', 'admin']);
  const name = optionalString(object['name'], `${field}.name`);
  if (name === undefined) throw invalidField(`${field}.name`, 'is required');
  const groups = object['groups'];
  if (groups !== undefined && (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string' && group !== ''))) {
    throw invalidField(`${field}.groups`, 'must be an array of non-empty strings');
  }
  const admin = optionalBoolean(object['admin'], `${field}.admin`);
  return Object.freeze({
    name,
    ...(groups === undefined ? {} : { groups: Object.freeze([...(groups as string[])]) }),
    ...(admin === undefined ? {} : { admin }),
  });
}

/**
 * Reads a token map `{ "<token>": principal }`. Tokens are 16 to 4096 visible ASCII characters.
 * Errors name the token by its position (`<field>[2]`), never by its value.
 */
export function parseTokens(value: unknown, field: string): Readonly<Record<string, Principal>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidField(field, 'must be an object of token → principal');
  const tokens: Record<string, Principal> = {};
  Object.entries(value).forEach(([token, principal], index) => {
    if (token.length < MIN_TOKEN || token.length > MAX_TOKEN || !VISIBLE_ASCII.test(token)) {
      throw invalidField(`${field}[${index}]`, `must be a token of ${MIN_TOKEN} to ${MAX_TOKEN} visible ASCII characters`);
    }
    tokens[token] = parsePrincipal(principal, `${field}[${index}]`);
  });
  return Object.freeze(tokens);
}

/**
 * Reads `config.auth`: `{ tokens?, tokenFile?, tokenHeader?, htpasswdFile?, forwardAuth?: { url, timeoutMs? } }`.
 * Relative files resolve against `base`. Absent: no strategy (every request is anonymous).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the field.
 */
export function parseAuth(value: unknown, base: string): AuthConfig {
  if (value === undefined) {
    return Object.freeze({ tokens: {}, tokenFile: undefined, tokenHeader: undefined, htpasswdFile: undefined, forwardAuth: undefined });
  }
  const auth = objectAt(value, 'config.auth', ['tokens', 'tokenFile', 'tokenHeader', 'htpasswdFile', 'forwardAuth']);
  let forwardAuth: AuthConfig['forwardAuth'];
  if (auth['forwardAuth'] !== undefined) {
    const forward = objectAt(auth['forwardAuth'], 'config.auth.forwardAuth', ['url', 'timeoutMs']);
    const url = optionalString(forward['url'], 'config.auth.forwardAuth.url');
    if (url === undefined || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw invalidField('config.auth.forwardAuth.url', 'must be an http(s) URL');
    }
    forwardAuth = Object.freeze({ url, timeoutMs: optionalInteger(forward['timeoutMs'], 'config.auth.forwardAuth.timeoutMs', 1, 600_000) });
  }
  const tokenHeader = optionalString(auth['tokenHeader'], 'config.auth.tokenHeader');
  if (tokenHeader !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/.test(tokenHeader)) {
    throw invalidField('config.auth.tokenHeader', 'must be an HTTP header name');
  }
  return Object.freeze({
    tokens: auth['tokens'] === undefined ? {} : parseTokens(auth['tokens'], 'config.auth.tokens'),
    tokenFile: optionalPath(auth['tokenFile'], 'config.auth.tokenFile', base),
    tokenHeader,
    htpasswdFile: optionalPath(auth['htpasswdFile'], 'config.auth.htpasswdFile', base),
    forwardAuth,
  });
}
