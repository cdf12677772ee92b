/**
 * Default asset URLs, resolved by Vite: the model and onnxruntime's binaries are emitted as our own assets
 * (no CDN), the worker is built as a module worker. Override any of them with {@link VadAssetUrls}.
 */
import modelUrl from '@ricky0123/vad-web/dist/silero_vad_v5.onnx?url';
import webgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import workerUrl from './vad-worker.ts?worker&url';

export const DEFAULT_VAD_ASSETS = { modelUrl, wasmUrl, webgpuWasmUrl, workerUrl } as const;
