import { describe, expect, it } from 'vitest';
import { authorize, chosenProtocol, isLoopback, offeredProtocols, presentedKey } from './auth.ts';

describe('endpoint auth', () => {
  it('reads the key from a bearer token or from the browser subprotocol', () => {
    expect(presentedKey({ authorization: 'Bearer sk-1', protocols: [] })).toBe('sk-1');
    expect(presentedKey({ authorization: 'bearer   sk-2 ', protocols: [] })).toBe('sk-2');
    const protocols = offeredProtocols('realtime, openai-insecure-api-key.ek_3, openai-beta.realtime-v1');
    expect(protocols).toEqual(['realtime', 'openai-insecure-api-key.ek_3', 'openai-beta.realtime-v1']);
    expect(presentedKey({ protocols })).toBe('ek_3');
    expect(presentedKey({ authorization: 'Basic abc', protocols: ['realtime'] })).toBeNull();
    expect(presentedKey({ authorization: 'Bearer ', protocols: ['openai-insecure-api-key.'] })).toBeNull();
    expect(offeredProtocols(undefined)).toEqual([]);
  });

  it('answers with a protocol that carries no key', () => {
    expect(chosenProtocol(['openai-insecure-api-key.sk', 'realtime'])).toBe('realtime');
    expect(chosenProtocol(new Set(['openai-insecure-api-key.sk']))).toBe(false);
    expect(chosenProtocol([])).toBe(false);
  });

  it('checks the configured key, with a code for each refusal', () => {
    const policy = { apiKey: 'secret' };
    expect(authorize('secret', '10.0.0.2', policy)).toEqual({ ok: true });
    expect(authorize('secreT', '127.0.0.1', policy)).toMatchObject({ ok: false, status: 401, code: 'invalid_api_key' });
    expect(authorize('secret-longer', '127.0.0.1', policy)).toMatchObject({ code: 'invalid_api_key' });
    expect(authorize(null, '127.0.0.1', policy)).toMatchObject({ ok: false, status: 401, code: 'missing_api_key' });
  });

  it('without a configured key, serves loopback peers with any key or none, and no one else', () => {
    const open = { apiKey: undefined };
    for (const peer of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.9.9.9']) {
      expect(authorize('anything', peer, open)).toEqual({ ok: true });
      expect(authorize(null, peer, open)).toEqual({ ok: true });
    }
    for (const peer of ['10.0.0.2', '::ffff:10.0.0.2', 'fe80::1', undefined]) {
      expect(authorize('anything', peer, open)).toMatchObject({ ok: false, status: 403, code: 'not_loopback' });
    }
    expect(isLoopback('localhost')).toBe(false); // an address, not a name
  });
});
