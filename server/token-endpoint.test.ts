import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import { issueToken, mintToken, tokenHandler, TokenRequestError } from './token-endpoint.ts';

const opts = { livekitUrl: 'ws://127.0.0.1:7880', apiKey: 'k1', apiSecret: 's'.repeat(40), ttlSeconds: 60 };

describe('mintToken', () => {
  it('mints a token for one room and identity that verifies with the secret: mic and data only', async () => {
    const jwt = await mintToken(opts, 'room1', 'alice');
    const claims = await new TokenVerifier(opts.apiKey, opts.apiSecret).verify(jwt);
    expect(claims.sub).toBe('alice');
    expect(claims.video).toMatchObject({ roomJoin: true, room: 'room1', canPublish: true, canPublishData: true });
    expect(claims.video?.canPublishSources).toEqual(['microphone']);
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(claims.video?.canUpdateOwnMetadata).toBe(false);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBeLessThanOrEqual(60);
    expect(jwt).not.toContain(opts.apiSecret);
  });

  it('does not verify with another secret', async () => {
    const jwt = await mintToken(opts, 'room1', 'alice');
    await expect(new TokenVerifier(opts.apiKey, 'x'.repeat(40)).verify(jwt)).rejects.toThrow();
  });
});

describe('issueToken', () => {
  const inRoom = (ids: string[]) => () => Promise.resolve(ids);
  const refusal = async (p: Promise<unknown>): Promise<{ code: string; status: number }> => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    if (!(e instanceof TokenRequestError)) throw new Error(`expected a TokenRequestError, got ${String(e)}`);
    return { code: e.code, status: e.status };
  };

  it('refuses agent-like identities, identities already in the room and bad names', async () => {
    expect(await refusal(issueToken(opts, inRoom([]), 'r', 'agent-AJ_123'))).toEqual({
      code: 'identity_reserved',
      status: 403,
    });
    expect(await refusal(issueToken(opts, inRoom([]), 'r', 'Agent'))).toMatchObject({ code: 'identity_reserved' });
    expect(await refusal(issueToken(opts, inRoom(['alice', 'agent-1']), 'r', 'alice'))).toEqual({
      code: 'identity_in_room',
      status: 409,
    });
    expect(await refusal(issueToken(opts, inRoom([]), 'r/../x', 'alice'))).toEqual({
      code: 'invalid_name',
      status: 400,
    });
  });

  it('fails closed when the room cannot be checked', async () => {
    const down = () => Promise.reject(new Error('ECONNREFUSED'));
    expect(await refusal(issueToken(opts, down, 'r', 'alice'))).toEqual({ code: 'room_check_failed', status: 503 });
  });

  it('mints for a new identity in an occupied room', async () => {
    const jwt = await issueToken(opts, inRoom(['alice']), 'r', 'bob');
    expect((await new TokenVerifier(opts.apiKey, opts.apiSecret).verify(jwt)).sub).toBe('bob');
  });
});

describe('tokenHandler over HTTP', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = null;
  });

  it('answers the refusal as JSON with a code and the status', async () => {
    const handler = tokenHandler({ ...opts, participantsOf: () => Promise.resolve(['alice']) });
    server = createServer(handler);
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const get = async (q: string) => {
      const r = await fetch(`http://127.0.0.1:${String(port)}/?${q}`);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    expect(await get('room=r&identity=alice')).toMatchObject({ status: 409, body: { code: 'identity_in_room' } });
    expect(await get('room=r&identity=agent-x')).toMatchObject({ status: 403, body: { code: 'identity_reserved' } });
    const ok = await get('room=r&identity=bob');
    expect(ok).toMatchObject({ status: 200, body: { room: 'r', identity: 'bob', url: opts.livekitUrl } });
    expect(typeof ok.body.token).toBe('string');
  });
});
