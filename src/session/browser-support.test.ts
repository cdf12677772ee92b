import { describe, expect, it } from 'vitest';
import { browserSupportError, type BrowserGlobals } from './browser-support.ts';

const modern: BrowserGlobals = {
  isSecureContext: true,
  RTCPeerConnection: Object,
  AudioContext: Object,
  AudioWorkletNode: Object,
  Worker: Object,
  WebAssembly: {},
};

describe('browserSupportError', () => {
  it('accepts a secure page without SharedArrayBuffer (not cross-origin isolated: the MessagePort path)', () => {
    expect(browserSupportError(modern)).toBeNull();
  });

  it('names the fix for an insecure context', () => {
    const e = browserSupportError({ ...modern, isSecureContext: false });
    expect(e?.code).toBe('unsupported_browser');
    expect(e?.message).toMatch(/https:\/\/.*localhost/);
  });

  it('lists every missing feature', () => {
    const { AudioWorkletNode: _a, Worker: _w, ...rest } = modern;
    const e = browserSupportError(rest);
    expect(e?.name).toBe('SottoError');
    expect(e?.message).toContain('AudioWorklet, Web Workers');
  });
});
