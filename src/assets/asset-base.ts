/**
 * Where the SDK's own files (worklets, workers, the VAD model, onnxruntime's and Flite's wasm) are fetched
 * from. By default each one comes from the URL the app's bundler gave it (Vite's `?url` in this repository,
 * `new URL('./file', import.meta.url)` in the published `dist/`, which Vite and webpack copy into the app).
 * `setAssetBaseUrl('https://cdn.example.com/sotto/')` (or `connect({ assetBaseUrl })`) makes every one of
 * them `<base><file>` instead: copy `node_modules/sotto/dist/*` there (esbuild, a CDN, a plain server).
 *
 * Page-wide on purpose: the files are the same for every session of the page.
 */

/** The files the SDK fetches by URL, as named in `dist/`. */
export type AssetFile =
  | 'capture.js'
  | 'playback.js'
  | 'output-tap.js'
  | 'vad-worker.js'
  | 'offline-worker.js'
  | 'silero_vad_v5.onnx'
  | 'ort-wasm-simd-threaded.wasm'
  | 'ort-wasm-simd-threaded.asyncify.wasm'
  | 'flite.wasm'
  | 'smart-turn-v3.2-cpu.onnx';

let base: string | null = null;

/**
 * Sets the folder every SDK file is fetched from (absolute, or relative to the page; a trailing `/` is
 * added). `null` goes back to the bundler's URLs. Explicit per-file options (`vad.modelUrl`, …) still win.
 */
export function setAssetBaseUrl(url: string | URL | null): void {
  if (url === null) {
    base = null;
    return;
  }
  const text = String(url);
  base = text.endsWith('/') ? text : `${text}/`;
}

/** The base set by {@link setAssetBaseUrl}, or null. */
export function assetBaseUrl(): string | null {
  return base;
}

/** The URL of one SDK file: `<base><file>` when a base is set, else the bundler's URL. */
export function assetUrl(file: AssetFile, bundled: string): string {
  return base === null ? bundled : new URL(file, new URL(base, globalThis.location.href)).href;
}
