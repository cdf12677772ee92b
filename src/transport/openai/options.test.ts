import { describe, expect, it } from 'vitest';
import { SottoError } from '../../errors.ts';
import { checkLinkOptions, isTransportConfig, resolveKey } from './options.ts';

const code = (f: () => unknown): string | null => {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof SottoError ? e.code : 'not a SottoError';
  }
};

describe('OpenAI transport options', () => {
  it('checks the URL scheme per transport, and adds ?model= when asked', () => {
    expect(checkLinkOptions('openai-ws', { url: 'wss://api.openai.com/v1/realtime', model: 'gpt-realtime' }).href).toBe(
      'wss://api.openai.com/v1/realtime?model=gpt-realtime',
    );
    expect(checkLinkOptions('openai-ws', { url: 'ws://h/v1/realtime?model=a', model: 'b' }).href).toBe(
      'ws://h/v1/realtime?model=a',
    );
    expect(checkLinkOptions('openai-webrtc', { url: 'http://127.0.0.1:7890/v1/realtime/calls' }).pathname).toBe(
      '/v1/realtime/calls',
    );
    expect(code(() => checkLinkOptions('openai-ws', { url: 'https://api.openai.com/v1/realtime' }))).toBe(
      'invalid_option',
    );
    expect(code(() => checkLinkOptions('openai-webrtc', { url: 'wss://x/v1/realtime/calls' }))).toBe('invalid_option');
    expect(code(() => checkLinkOptions('openai-ws', { url: 'not a url' }))).toBe('invalid_option');
    expect(code(() => checkLinkOptions('openai-ws', {} as { url: string }))).toBe('invalid_option');
    expect(code(() => checkLinkOptions('openai-ws', { url: 'ws://h', apiKey: 42 as unknown as string }))).toBe(
      'invalid_option',
    );
    expect(code(() => checkLinkOptions('openai-ws', { url: 'ws://h', connectTimeoutMs: 0 }))).toBe('invalid_option');
  });

  it('resolves the key, calling the function form each time', async () => {
    expect(await resolveKey(undefined)).toBeNull();
    expect(await resolveKey('ek_1')).toBe('ek_1');
    let n = 0;
    const fresh = (): Promise<string> => Promise.resolve(`ek_${String(++n)}`);
    expect([await resolveKey(fresh), await resolveKey(fresh)]).toEqual(['ek_1', 'ek_2']);
    await expect(resolveKey(() => Promise.reject(new Error('401')))).rejects.toMatchObject({ code: 'token_rejected' });
    await expect(resolveKey(() => Promise.resolve(''))).rejects.toMatchObject({ code: 'token_rejected' });
  });

  it('tells a config from a Transport instance', () => {
    expect(isTransportConfig({ kind: 'openai-ws', url: 'ws://h' })).toBe(true);
    expect(isTransportConfig({ kind: 'openai-webrtc', url: 'http://h' })).toBe(true);
    expect(isTransportConfig({ kind: 'openai-ws', connect: () => undefined })).toBe(false);
    expect(isTransportConfig({ kind: 'livekit' })).toBe(false);
    expect(isTransportConfig(null)).toBe(false);
  });
});
