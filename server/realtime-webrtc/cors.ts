/**
 * CORS for `POST /v1/realtime/calls`, so a web page can post its SDP offer as OpenAI's browser clients do
 * (the bearer key and `application/sdp` make the browser ask first with a preflight `OPTIONS`). With a
 * key configured any origin may call (the key is the credential, no cookies are involved), as with
 * OpenAI's API; without one the server serves loopback only, and so only pages served from a loopback
 * origin may read its answers. Pure.
 */
import { isLoopback } from '../realtime-ws/auth.ts';

/** The `Access-Control-Allow-Origin` to answer `origin` with, or null for none. */
export function allowedOrigin(origin: string | undefined, keyConfigured: boolean): string | null {
  if (origin === undefined || origin === '') return null;
  if (keyConfigured) return '*';
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return null;
  }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare === 'localhost' || isLoopback(bare) ? origin : null;
}

/** Headers of a CORS answer (preflight or actual) that allows `origin`. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type',
    // The call id is in Location (OpenAI's clients read it to hang up).
    'access-control-expose-headers': 'location',
    'access-control-max-age': '600',
    ...(origin === '*' ? {} : { vary: 'origin' }),
  };
}
