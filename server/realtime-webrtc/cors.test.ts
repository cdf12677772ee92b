import { describe, expect, it } from 'vitest';
import { allowedOrigin, corsHeaders } from './cors.ts';

describe('CORS of /v1/realtime/calls', () => {
  it('with a key configured, any origin may call', () => {
    expect(allowedOrigin('https://app.example.com', true)).toBe('*');
    expect(corsHeaders('*')).not.toHaveProperty('vary');
  });

  it('without a key, only loopback origins (the server serves loopback peers only)', () => {
    for (const o of ['http://127.0.0.1:5173', 'http://localhost:3000', 'http://[::1]:8080', 'http://127.8.0.1'])
      expect(allowedOrigin(o, false), o).toBe(o);
    for (const o of ['https://evil.example', 'http://192.168.1.2:5173', 'null', 'not a url'])
      expect(allowedOrigin(o, false), o).toBeNull();
    expect(allowedOrigin(undefined, false)).toBeNull();
    expect(corsHeaders('http://localhost:3000')).toMatchObject({
      'access-control-allow-origin': 'http://localhost:3000',
      'access-control-expose-headers': 'location',
      vary: 'origin',
    });
  });
});
