/** Entry of `dist/ort-webgpu.js`: onnxruntime-web's WebGPU build, loaded by the VAD worker only on a real GPU. */
export * from 'onnxruntime-web/webgpu';
