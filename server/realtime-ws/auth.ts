/**
 * Who may open a session: OpenAI's two ways of presenting a key (an `Authorization: Bearer <key>` header,
 * or, from a browser that cannot set headers, a `openai-insecure-api-key.<key>` WebSocket subprotocol),
 * checked against the server's configured key. With no key configured the server serves loopback peers
 * only, and takes any key or none from them. Pure: the request's headers and peer address are passed in.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/** The subprotocol prefix OpenAI's browser clients put their key in. */
export const KEY_PROTOCOL_PREFIX = 'openai-insecure-api-key.';

export type AuthErrorCode = 'missing_api_key' | 'invalid_api_key' | 'not_loopback';

export type AuthResult = { ok: true } | { ok: false; status: 401 | 403; code: AuthErrorCode; message: string };

export interface AuthPolicy {
  /** The key clients must present; undefined: none configured (loopback peers only, any key). */
  apiKey: string | undefined;
}

/** The offered subprotocols of a `Sec-WebSocket-Protocol` header, in order. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** The key a request presents (the bearer token first, then the key subprotocol); null when none. */
export function presentedKey(headers: {
  authorization?: string | undefined;
  protocols: readonly string[];
}): string | null {
  const auth = headers.authorization?.trim();
  if (auth && /^bearer\s+/i.test(auth)) {
    const key = auth.replace(/^bearer\s+/i, '').trim();
    if (key) return key;
  }
  const p = headers.protocols.find((x) => x.startsWith(KEY_PROTOCOL_PREFIX));
  const key = p?.slice(KEY_PROTOCOL_PREFIX.length);
  if (!key) return null;
  return key;
}

/**
 * The subprotocol the server answers with: the first offered one that does not carry a key (`realtime`
 * from OpenAI's clients), so a key is never echoed back; false when there is none.
 */
export function chosenProtocol(protocols: Iterable<string>): string | false {
  for (const p of protocols) if (!p.startsWith(KEY_PROTOCOL_PREFIX)) return p;
  return false;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return isIPv6(address) && address === '::1';
}

export function authorize(key: string | null, peer: string | undefined, policy: AuthPolicy): AuthResult {
  if (policy.apiKey === undefined) {
    if (isLoopback(peer)) return { ok: true };
    return {
      ok: false,
      status: 403,
      code: 'not_loopback',
      message: 'this server has no API key configured (SOTTO_API_KEY) and serves loopback clients only',
    };
  }
  if (key === null) {
    return {
      ok: false,
      status: 401,
      code: 'missing_api_key',
      message: 'no API key: send "Authorization: Bearer <key>" or the subprotocol "openai-insecure-api-key.<key>"',
    };
  }
  const a = Buffer.from(key);
  const b = Buffer.from(policy.apiKey);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return { ok: false, status: 401, code: 'invalid_api_key', message: 'incorrect API key' };
  }
  return { ok: true };
}
