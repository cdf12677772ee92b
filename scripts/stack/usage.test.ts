import { describe, expect, it } from 'vitest';
import { devStackUsage, keysFromEnv } from './usage.ts';

describe('npm start usage', () => {
  it('takes the key pair from the environment, both or neither', () => {
    expect(keysFromEnv({})).toBeNull();
    const secret = 'x'.repeat(32);
    expect(keysFromEnv({ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: secret })).toEqual({
      apiKey: 'k',
      apiSecret: secret,
    });
    expect(() => keysFromEnv({ LIVEKIT_API_KEY: 'k' })).toThrow(/both/);
    expect(() => keysFromEnv({ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 'short' })).toThrow(/32/);
  });

  it('prints the URL, key and secret as the variables the token helper reads', () => {
    const text = devStackUsage({ livekitUrl: 'ws://127.0.0.1:7880', apiKey: 'sotto1', apiSecret: 'y'.repeat(48) });
    expect(text).toContain('export LIVEKIT_URL=ws://127.0.0.1:7880');
    expect(text).toContain('export LIVEKIT_API_KEY=sotto1');
    expect(text).toContain(`export LIVEKIT_API_SECRET=${'y'.repeat(48)}`);
    expect(text).toContain('@sotto/agent/token');
    expect(text).toContain('`npm start` reads the key pair back');
    const cluster = devStackUsage({
      livekitUrl: 'ws://127.0.0.1:7000',
      apiKey: 'k',
      apiSecret: 'y'.repeat(48),
      command: 'npm run cluster',
    });
    expect(cluster).toContain('`npm run cluster` reads the key pair back');
  });
});
