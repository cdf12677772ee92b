/**
 * A small token endpoint for the dev stack: `GET /api/token?room=NAME&identity=ID` answers
 * `{ url, token, room, identity }`. The API secret stays in this (server) process; the browser only
 * ever receives a short-lived access token for one room.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccessToken } from 'livekit-server-sdk';

export interface TokenEndpointOptions {
  /** LiveKit URL as the browser must use it (ws://127.0.0.1:7880). */
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Token lifetime in seconds. Default 600. */
  ttlSeconds?: number;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export async function mintToken(opts: TokenEndpointOptions, room: string, identity: string): Promise<string> {
  const at = new AccessToken(opts.apiKey, opts.apiSecret, { identity, ttl: opts.ttlSeconds ?? 600 });
  at.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true });
  return at.toJwt();
}

/** A Connect-style middleware (Vite's dev server uses it under `/api/token`). */
export function tokenHandler(opts: TokenEndpointOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const room = url.searchParams.get('room') ?? `sotto-${randomBytes(4).toString('hex')}`;
    const identity = url.searchParams.get('identity') ?? `user-${randomBytes(4).toString('hex')}`;
    const reply = (status: number, body: unknown): void => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify(body));
    };
    if (!NAME.test(room) || !NAME.test(identity)) {
      reply(400, { error: 'room and identity must match [A-Za-z0-9_-]{1,64}' });
      return;
    }
    mintToken(opts, room, identity).then(
      (token) => {
        reply(200, { url: opts.livekitUrl, token, room, identity });
      },
      (e: unknown) => {
        reply(500, { error: String(e) });
      },
    );
  };
}
