/** One file of the model: its URL (absolute, or as the bundler rewrote it) and its SHA-256 (hex). */
export interface Gigaspeech3mFile {
  url: string;
  sha256: string;
}

/**
 * The streaming zipformer's four files, in the shape of sotto's `AsrAssets` (`offline.models.asr`): the
 * encoder (`encoder.int8.fixed.onnx`, the repaired int8 encoder), the decoder, the joiner and `tokens.txt`.
 */
export interface Gigaspeech3mAssets {
  encoder: Gigaspeech3mFile;
  decoder: Gigaspeech3mFile;
  joiner: Gigaspeech3mFile;
  tokens: Gigaspeech3mFile;
}

/** SHA-256 (hex) of each file, by role (the same as checksums.json). */
export declare const GIGASPEECH_3M_SHA256: Readonly<Record<keyof Gigaspeech3mAssets, string>>;

/**
 * The model's files with their URLs and checksums, a new object each call:
 * `connect({ url, token, offline: { models: { asr: gigaspeech3m() } } })`. The URLs are
 * `new URL('./file', import.meta.url)` of this package, so Vite, webpack 5 and Rollup copy the files into the
 * app's build; with a bundler that does not, serve the files yourself and use sotto's `gigaspeech3mAssets(base)`.
 */
export declare function gigaspeech3m(): Gigaspeech3mAssets;
