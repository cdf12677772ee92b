import { describe, expect, it } from 'vitest';
import { TokenVerifier } from 'livekit-server-sdk';
import { mintToken } from './token-endpoint.ts';

const opts = { livekitUrl: 'ws://127.0.0.1:7880', apiKey: 'k1', apiSecret: 's'.repeat(40), ttlSeconds: 60 };

describe('mintToken', () => {
  it('mints a token for one room and identity that verifies with the secret', async () => {
    const jwt = await mintToken(opts, 'room1', 'alice');
    const claims = await new TokenVerifier(opts.apiKey, opts.apiSecret).verify(jwt);
    expect(claims.sub).toBe('alice');
    expect(claims.video).toMatchObject({ roomJoin: true, room: 'room1', canPublish: true, canPublishData: true });
    expect(jwt).not.toContain(opts.apiSecret);
  });

  it('does not verify with another secret', async () => {
    const jwt = await mintToken(opts, 'room1', 'alice');
    await expect(new TokenVerifier(opts.apiKey, 'x'.repeat(40)).verify(jwt)).rejects.toThrow();
  });
});
