import { describe, expect, it } from 'vitest';
import { SottoError } from '../errors.ts';
import { FakeTransport } from '../testing/fake-transport.ts';
import { canRecreateTransport, createTransport } from './create-transport.ts';
import type { ConnectOptions } from './options.ts';

const ctx = {} as AudioContext;

function codeOf(opts: ConnectOptions): string | null {
  try {
    createTransport(opts, ctx);
    return null;
  } catch (e) {
    return e instanceof SottoError ? e.code : 'not a SottoError';
  }
}

describe('createTransport', () => {
  it('makes the transport the options name', () => {
    expect(
      createTransport({ transport: { kind: 'openai-ws', url: 'ws://127.0.0.1:7890/v1/realtime' } }, ctx).kind,
    ).toBe('openai-ws');
    const rtc = { kind: 'openai-webrtc', url: 'http://127.0.0.1:7890/v1/realtime/calls', apiKey: 'k' } as const;
    expect(createTransport({ transport: rtc }, ctx).kind).toBe('openai-webrtc');
    expect(createTransport({ url: 'ws://127.0.0.1:7880', token: 't' }, ctx).kind).toBe('livekit');
    const fake = new FakeTransport();
    expect(createTransport({ transport: fake }, ctx)).toBe(fake);
  });

  it('refuses missing or bad options with invalid_option', () => {
    expect(codeOf({})).toBe('invalid_option');
    expect(codeOf({ url: 'ws://h' })).toBe('invalid_option');
    expect(codeOf({ transport: { kind: 'openai-ws', url: 'http://h/v1/realtime' } })).toBe('invalid_option');
    expect(
      codeOf({ transport: { kind: 'sip', url: 'x' } as unknown as NonNullable<ConnectOptions['transport']> }),
    ).toBe('invalid_option');
  });

  it('can make a new one after a fatal loss, except an instance the app passed in', () => {
    expect(canRecreateTransport({ transport: { kind: 'openai-ws', url: 'ws://h' } })).toBe(true);
    expect(canRecreateTransport({ url: 'ws://h', token: 't' })).toBe(true);
    expect(canRecreateTransport({ transport: new FakeTransport() })).toBe(false);
  });
});
