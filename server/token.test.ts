import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { mintToken, TokenConfigError, tokenOptionsFromEnv } from './token.ts';

describe('@sotto/agent/token', () => {
  it('reads the dev stack variables and names the missing ones', () => {
    expect(() => tokenOptionsFromEnv({ LIVEKIT_URL: 'ws://127.0.0.1:7880' })).toThrow(
      new TokenConfigError('set LIVEKIT_API_KEY, LIVEKIT_API_SECRET (npm start prints them for its dev stack)'),
    );
    const env = { LIVEKIT_URL: 'ws://x', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 's'.repeat(32) };
    expect(tokenOptionsFromEnv(env)).toEqual({ livekitUrl: 'ws://x', apiKey: 'key', apiSecret: 's'.repeat(32) });
  });

  it('mints a short-lived token bound to one room and one identity', async () => {
    const opts = { livekitUrl: 'ws://x', apiKey: 'key', apiSecret: 's'.repeat(32), ttlSeconds: 120 };
    const claims = await new TokenVerifier('key', opts.apiSecret).verify(await mintToken(opts, 'room-1', 'ada'));
    expect(claims.sub).toBe('ada');
    expect(claims.video?.room).toBe('room-1');
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(120);
  });
});
