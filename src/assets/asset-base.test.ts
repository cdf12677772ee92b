import { afterEach, describe, expect, it, vi } from 'vitest';
import { assetBaseUrl, assetUrl, setAssetBaseUrl } from './asset-base.ts';

describe('assetUrl', () => {
  afterEach(() => {
    setAssetBaseUrl(null);
    vi.unstubAllGlobals();
  });

  it('keeps the bundler URL when no base is set', () => {
    expect(assetUrl('vad-worker.js', '/assets/vad-worker-abc.js')).toBe('/assets/vad-worker-abc.js');
  });

  it('resolves every file against the base, relative to the page', () => {
    vi.stubGlobal('location', { href: 'https://app.example/voice/index.html' });
    setAssetBaseUrl('static/sotto');
    expect(assetBaseUrl()).toBe('static/sotto/');
    expect(assetUrl('capture.js', '/x.js')).toBe('https://app.example/voice/static/sotto/capture.js');
    setAssetBaseUrl(new URL('https://cdn.example/sotto/0.1.0/'));
    expect(assetUrl('flite.wasm', '/x.wasm')).toBe('https://cdn.example/sotto/0.1.0/flite.wasm');
  });
});
