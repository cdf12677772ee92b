/**
 * Default asset URLs, resolved by the bundler: the model and onnxruntime's binaries are emitted as our own
 * assets (no CDN), the worker is built as a module worker; `setAssetBaseUrl()` moves them all. Override any
 * of them with {@link VadAssetUrls}.
 */
import modelUrl from '@ricky0123/vad-web/dist/silero_vad_v5.onnx?url';
import webgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { assetUrl } from '../assets/asset-base.ts';
import workerUrl from './vad-worker.ts?worker&url';

export const DEFAULT_VAD_ASSETS = {
  get modelUrl(): string {
    return assetUrl('silero_vad_v5.onnx', modelUrl);
  },
  get wasmUrl(): string {
    return assetUrl('ort-wasm-simd-threaded.wasm', wasmUrl);
  },
  get webgpuWasmUrl(): string {
    return assetUrl('ort-wasm-simd-threaded.asyncify.wasm', webgpuWasmUrl);
  },
  get workerUrl(): string {
    return assetUrl('vad-worker.js', workerUrl);
  },
} as const;
