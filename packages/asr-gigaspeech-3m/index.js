// The model's files as URLs a bundler understands: each `new URL('./file', import.meta.url)` below is copied
// into the app's build by Vite, webpack 5 and Rollup (esbuild with a plugin), and resolves to this folder
// when the package is served or loaded as is. The checksums are checksums.json's; sotto verifies them.

const encoder = new URL('./encoder.int8.fixed.onnx', import.meta.url).href;
const decoder = new URL('./decoder.onnx', import.meta.url).href;
const joiner = new URL('./joiner.int8.onnx', import.meta.url).href;
const tokens = new URL('./tokens.txt', import.meta.url).href;

/** SHA-256 (hex) of each file, by role. */
export const GIGASPEECH_3M_SHA256 = Object.freeze({
  encoder: 'dcf79ee2b91d96dda6536f8150c72e79bd4aa076280471104280fd74761dc2eb',
  decoder: 'f61ebd3eed3773a44d088d53dfae92dbb6aec4839f4dcaee2d402414741663a3',
  joiner: 'eae9da0c7e1e6c6a3f4cc42d167899c388f6c6701b94cb96320e4f55df79624c',
  tokens: 'fd2ded4050a55d2b1578870ba8697d02371980217806b7558bd0a5cc60f3ba53',
});

/** The model's files with their URLs and checksums, for sotto's `offline: { models: { asr } }`. */
export function gigaspeech3m() {
  return {
    encoder: { url: encoder, sha256: GIGASPEECH_3M_SHA256.encoder },
    decoder: { url: decoder, sha256: GIGASPEECH_3M_SHA256.decoder },
    joiner: { url: joiner, sha256: GIGASPEECH_3M_SHA256.joiner },
    tokens: { url: tokens, sha256: GIGASPEECH_3M_SHA256.tokens },
  };
}
