/**
 * The engine inside the worker: loads the recogniser and Flite from the cache (network on a miss), then
 * recognises turns (greedy, or beam search biased toward the declared phrases plus a nearest-phrase snap)
 * and synthesises reply pieces. No DOM; the onnxruntime build comes in as a factory, so unit tests run the
 * same code on onnxruntime-node.
 */
import { SottoError } from '../errors.ts';
import { matchPhrase } from './asr/phrase-match.ts';
import type { OrtBackend } from './asr/ort-types.ts';
import { ZipformerAsr } from './asr/zipformer.ts';
import type { AssetName, ResolvedAsset } from './config.ts';
import { DEFAULT_PHRASE_BONUS, type AsrOptions, type OfflineEngineInfo } from './engine.ts';
import { defaultIo, loadAsset, type CacheIo } from './model-cache.ts';
import { FliteSynth, type FliteVoice } from './tts/flite.ts';
import type { Recognition, SpeechPiece } from './types.ts';

/** Makes the onnxruntime backend from the bytes of its wasm. */
export type BackendFactory = (ortWasm: Uint8Array) => Promise<OrtBackend>;

export class EngineCore {
  readonly info: OfflineEngineInfo;
  readonly #asr: ZipformerAsr;
  readonly #tts: FliteSynth;

  private constructor(asr: ZipformerAsr, tts: FliteSynth, info: OfflineEngineInfo) {
    this.#asr = asr;
    this.#tts = tts;
    this.info = info;
  }

  /** Loads every asset and both engines. Rejects with a `SottoError` naming the file at fault. */
  static async load(
    assets: readonly ResolvedAsset[],
    cacheName: string,
    backend: BackendFactory,
    io: CacheIo = defaultIo(),
  ): Promise<EngineCore> {
    const t0 = performance.now();
    const bytes: Partial<Record<AssetName, Uint8Array>> = {};
    const info: OfflineEngineInfo = { loadMs: 0, bytes: {}, fromCache: {} };
    await Promise.all(
      assets.map(async (a) => {
        const r = await loadAsset(a, cacheName, io);
        bytes[a.name] = r.bytes;
        info.bytes[a.name] = r.bytes.byteLength;
        info.fromCache[a.name] = r.fromCache;
      }),
    );
    const need = (n: AssetName): Uint8Array => {
      const b = bytes[n];
      if (!b) throw new SottoError('model_unavailable', `no ${n} file is configured`);
      return b;
    };
    let ort: OrtBackend;
    try {
      ort = await backend(need('ort'));
    } catch (e) {
      throw new SottoError('model_unavailable', `onnxruntime-web could not start: ${String(e)}`, { cause: e });
    }
    let asr: ZipformerAsr;
    try {
      asr = await ZipformerAsr.create(ort, {
        encoder: need('encoder'),
        decoder: need('decoder'),
        joiner: need('joiner'),
        tokens: new TextDecoder().decode(need('tokens')),
      });
    } catch (e) {
      if (e instanceof SottoError) throw e;
      throw new SottoError('model_unavailable', `the ASR model could not be loaded: ${String(e)}`, { cause: e });
    }
    let tts: FliteSynth;
    try {
      tts = await FliteSynth.create(need('flite'));
    } catch (e) {
      await asr.release().catch(() => undefined);
      throw new SottoError('model_unavailable', `the Flite wasm could not be compiled: ${String(e)}`, { cause: e });
    }
    const core = new EngineCore(asr, tts, info);
    // Warm both up (kernel set-up, the wasm instance's first run): the first real turn does not pay for it.
    await core.transcribe(new Float32Array(8000)).catch(() => undefined);
    try {
      core.synthesize('OK.', 0);
    } catch {
      // a real failure surfaces at the first reply
    }
    info.loadMs = performance.now() - t0;
    return core;
  }

  /** Recognises 16 kHz mono audio in [-1, 1]. */
  async transcribe(audio: Float32Array, options: AsrOptions = {}): Promise<Recognition> {
    const phrases = options.phrases ?? [];
    try {
      const r = await this.#asr.transcribe(audio, {
        search: options.search ?? (phrases.length > 0 ? 'beam' : 'greedy'),
        phrases,
        bonus: options.bonus ?? DEFAULT_PHRASE_BONUS,
      });
      const m = phrases.length > 0 && options.match !== false ? matchPhrase(r.text, phrases, options.match) : null;
      return {
        text: m ? m.phrase : r.text,
        raw: r.text,
        phrase: m?.phrase ?? null,
        confidence: m ? m.similarity : null,
        audioMs: r.audioMs,
        computeMs: r.computeMs,
      };
    } catch (e) {
      throw new SottoError('offline_engine_error', `recognition failed: ${String(e)}`, { cause: e });
    }
  }

  /** Synthesises one piece of a reply. */
  synthesize(text: string, index: number, voice: FliteVoice = 'slt'): SpeechPiece {
    const t0 = performance.now();
    try {
      const s = this.#tts.synthesize(text, voice);
      return { index, text, pcm: s.pcm, sampleRate: s.sampleRate, synthMs: performance.now() - t0 };
    } catch (e) {
      throw new SottoError('offline_engine_error', `speech synthesis failed: ${String(e)}`, { cause: e });
    }
  }

  async release(): Promise<void> {
    await this.#asr.release();
  }
}
