import { describe, expect, it } from 'vitest';
import { isSottoError } from '../errors.ts';
import { fakeNet } from './cache-fakes.test-util.ts';
import { gigaspeech3mAssets, resolveAssets, type ResolvedAsset } from './config.ts';
import { downloadAsset, loadAsset, readCached, sha256Hex, type AssetProgress } from './model-cache.ts';

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
const asset = async (sha: boolean): Promise<ResolvedAsset> => ({
  name: 'encoder',
  url: 'http://127.0.0.1/m/encoder.onnx',
  sha256: sha ? await sha256Hex(bytes) : null,
});

describe('model cache', () => {
  it('downloads with byte progress, verifies and caches; later loads come from the cache without a request', async () => {
    const net = fakeNet();
    const a = await asset(true);
    net.routes.set(a.url, bytes);
    const progress: AssetProgress[] = [];
    const got = await downloadAsset(a, 'c', (p) => progress.push(p), net.io);
    expect(got).toEqual(bytes);
    expect(progress.map((p) => p.loaded)).toEqual([0, 334, 668, 1000, 1000]);
    expect(progress.every((p) => p.total === 1000)).toBe(true);
    expect(progress.at(-1)?.done).toBe(true);
    net.routes.set(a.url, 'offline');
    const again = await loadAsset(a, 'c', net.io);
    expect(again.fromCache).toBe(true);
    expect(again.bytes).toEqual(bytes);
    expect(net.requests).toHaveLength(1);
  });

  it('rejects a corrupt download, an HTML fallback page, HTTP errors and no network, with model_unavailable', async () => {
    const net = fakeNet();
    const a = await asset(true);
    net.routes.set(
      a.url,
      bytes.map((b) => b ^ 1),
    );
    await expect(downloadAsset(a, 'c', undefined, net.io)).rejects.toThrow(/corrupt/);
    net.routes.set(a.url, 'html');
    await expect(downloadAsset(a, 'c', undefined, net.io)).rejects.toThrow(/HTML/);
    net.routes.set(a.url, 404);
    await expect(downloadAsset(a, 'c', undefined, net.io)).rejects.toThrow(/HTTP 404/);
    net.routes.set(a.url, 'offline');
    const e: unknown = await loadAsset(a, 'c', net.io).catch((x: unknown) => x);
    expect(isSottoError(e, 'model_unavailable')).toBe(true);
    expect(String(e)).toMatch(/prepareOffline/);
    expect(net.cache.store.size).toBe(0);
  });

  it('drops a cached copy that no longer matches its checksum', async () => {
    const net = fakeNet();
    const a = await asset(true);
    net.cache.store.set(
      a.url,
      bytes.map((b) => b ^ 2),
    );
    expect(await readCached(a, 'c', net.io)).toBeNull();
    expect(net.cache.store.has(a.url)).toBe(false);
    expect(await readCached(await asset(false), 'c', net.io)).toBeNull();
  });

  it('resolves the asset list with checksums and defaults', () => {
    const list = resolveAssets(
      { asr: gigaspeech3mAssets('/models/kws') },
      { fliteWasm: '/f.wasm', ortWasm: 'o.wasm' },
      'http://127.0.0.1:5173/offline-lab/index.html',
    );
    expect(list.map((a) => a.name)).toEqual(['encoder', 'decoder', 'joiner', 'tokens', 'flite', 'ort']);
    expect(list[0]?.url).toBe('http://127.0.0.1:5173/models/kws/encoder.int8.fixed.onnx');
    expect(list[0]?.sha256).toMatch(/^dcf79ee2/);
    expect(list[5]).toEqual({ name: 'ort', url: 'http://127.0.0.1:5173/offline-lab/o.wasm', sha256: null });
  });
});
