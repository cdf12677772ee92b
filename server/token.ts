/**
 * `@sotto/agent/token`: mint LiveKit access tokens for Sotto sessions on your own server. Each token is
 * short-lived (`ttlSeconds`, 600 s by default) and bound to one room and one identity; it may publish the
 * microphone and data messages, nothing else. The API secret never leaves your server.
 *
 * ```ts
 * import { issueToken, roomServiceLookup, tokenOptionsFromEnv } from '@sotto/agent/token';
 * const opts = tokenOptionsFromEnv(); // LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET
 * const token = await issueToken(opts, roomServiceLookup(opts), `room-${user.id}`, user.id);
 * res.json({ url: opts.livekitUrl, token }); // what the quick start's page fetches from /api/token
 * ```
 *
 * `issueToken` also refuses agent-like identities and an identity already in the room (what a production
 * endpoint must bind: server/README.md); `mintToken` signs without those checks; `tokenHandler` is a
 * ready-made Connect/Express-style middleware (the dev stack serves it as `/api/token`).
 */
import type { TokenEndpointOptions } from './token-endpoint.ts';

export {
  issueToken,
  mintToken,
  roomServiceLookup,
  tokenHandler,
  TokenRequestError,
  type TokenEndpointOptions,
  type TokenRefusal,
} from './token-endpoint.ts';

/** Thrown by {@link tokenOptionsFromEnv} when a variable is missing. */
export class TokenConfigError extends Error {
  override readonly name = 'TokenConfigError';
}

/**
 * The token options from `LIVEKIT_URL` (as the browser reaches LiveKit), `LIVEKIT_API_KEY` and
 * `LIVEKIT_API_SECRET`: the variables `npm start` prints for its dev stack.
 */
export function tokenOptionsFromEnv(env: Record<string, string | undefined> = process.env): TokenEndpointOptions {
  const missing = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new TokenConfigError(`set ${missing.join(', ')} (npm start prints them for its dev stack)`);
  }
  return {
    livekitUrl: env.LIVEKIT_URL ?? '',
    apiKey: env.LIVEKIT_API_KEY ?? '',
    apiSecret: env.LIVEKIT_API_SECRET ?? '',
  };
}
