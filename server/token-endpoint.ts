/**
 * A small token endpoint for the dev stack: `GET /api/token?room=NAME&identity=ID` answers
 * `{ url, token, room, identity }`. The API secret stays in this (server) process; the browser only
 * ever receives a short-lived access token for one room and one identity, which may publish its
 * microphone and data messages and nothing else (no camera or screen, no admin, no metadata edits).
 *
 * It refuses, with a JSON `{ error, code }`:
 * - 400 `invalid_name`: a room or identity outside `[A-Za-z0-9_-]{1,64}`;
 * - 403 `identity_reserved`: an agent-like identity (`agent…`, which the agent framework uses);
 * - 409 `identity_in_room`: an identity already in the room (LiveKit lets a newcomer with the same
 *   identity replace the participant, i.e. take over the user's session);
 * - 503 `room_check_failed`: the room could not be checked (LiveKit unreachable): fail closed.
 *
 * A production endpoint must bind the same things from its own authentication (see server/README.md).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccessToken, RoomServiceClient, TrackSource } from 'livekit-server-sdk';

export interface TokenEndpointOptions {
  /** LiveKit URL as the browser must use it (ws://127.0.0.1:7880). */
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Token lifetime in seconds. Default 600. */
  ttlSeconds?: number;
  /**
   * The identities in `room` now (`[]` when the room does not exist). Default: LiveKit's RoomService at
   * `livekitUrl` (the same server, over HTTP). Throws when it cannot tell.
   */
  participantsOf?: (room: string) => Promise<string[]>;
}

/** Why a token request was refused. */
export type TokenRefusal = 'invalid_name' | 'identity_reserved' | 'identity_in_room' | 'room_check_failed';

export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  constructor(
    readonly code: TokenRefusal,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Identities the agent side uses (`agent-<job id>` in @livekit/agents): a user may not pose as one. */
const RESERVED = /^agent/i;

export async function mintToken(opts: TokenEndpointOptions, room: string, identity: string): Promise<string> {
  const at = new AccessToken(opts.apiKey, opts.apiSecret, { identity, ttl: opts.ttlSeconds ?? 600 });
  at.addGrant({
    roomJoin: true,
    room,
    canSubscribe: true,
    canPublish: true,
    canPublishSources: [TrackSource.MICROPHONE],
    canPublishData: true,
    canUpdateOwnMetadata: false,
  });
  return at.toJwt();
}

/** The default room check: LiveKit's RoomService (a missing room has nobody in it). */
export function roomServiceLookup(opts: TokenEndpointOptions): (room: string) => Promise<string[]> {
  const svc = new RoomServiceClient(opts.livekitUrl.replace(/^ws/, 'http'), opts.apiKey, opts.apiSecret);
  return async (room) => {
    try {
      return (await svc.listParticipants(room)).map((p) => p.identity);
    } catch (e) {
      // livekit-server answers 404 / not_found for a room that does not exist (yet).
      const err = e as { status?: number; code?: string };
      if (err.status === 404 || err.code === 'not_found') return [];
      throw e;
    }
  };
}

/** Checks a request and mints its token, or throws a {@link TokenRequestError}. */
export async function issueToken(
  opts: TokenEndpointOptions,
  participantsOf: (room: string) => Promise<string[]>,
  room: string,
  identity: string,
): Promise<string> {
  if (!NAME.test(room) || !NAME.test(identity)) {
    throw new TokenRequestError('invalid_name', 400, 'room and identity must match [A-Za-z0-9_-]{1,64}');
  }
  if (RESERVED.test(identity)) {
    throw new TokenRequestError('identity_reserved', 403, `identity "${identity}" is reserved for agents`);
  }
  let present: string[];
  try {
    present = await participantsOf(room);
  } catch (e) {
    throw new TokenRequestError('room_check_failed', 503, `could not check room "${room}": ${String(e)}`);
  }
  if (present.includes(identity)) {
    throw new TokenRequestError(
      'identity_in_room',
      409,
      `identity "${identity}" is already in room "${room}"; choose another identity (or wait until it left)`,
    );
  }
  return mintToken(opts, room, identity);
}

/** A Connect-style middleware (Vite's dev server uses it under `/api/token`). */
export function tokenHandler(opts: TokenEndpointOptions) {
  const participantsOf = opts.participantsOf ?? roomServiceLookup(opts);
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
    issueToken(opts, participantsOf, room, identity).then(
      (token) => {
        reply(200, { url: opts.livekitUrl, token, room, identity });
      },
      (e: unknown) => {
        if (e instanceof TokenRequestError) reply(e.status, { error: e.message, code: e.code });
        else reply(500, { error: String(e), code: 'internal' });
      },
    );
  };
}
