/**
 * What {@link LocalTransport} needs from the on-device engine. The real one runs in a Web Worker
 * (`worker-engine.ts`); tests inject fakes.
 */
import type { MatchOptions } from './asr/phrase-match.ts';
import type { AssetName } from './config.ts';
import type { FliteVoice } from './tts/flite.ts';
import type { Recognition, SpeechPiece } from './types.ts';

/** How to recognise one turn. */
export interface AsrOptions {
  /** Phrases the app expects (commands, names). Default none. */
  phrases?: readonly string[];
  /** Default `beam` when phrases are declared, else `greedy`. */
  search?: 'greedy' | 'beam';
  /** Bias per phrase token in the beam search, log-probability units. Default {@link DEFAULT_PHRASE_BONUS}. */
  bonus?: number;
  /** Snap the transcript to the nearest declared phrase when similar enough; `false` turns it off. */
  match?: MatchOptions | false;
}

/**
 * Default phrase bonus. Measured on the espeak fixtures with their texts declared as phrases: WER
 * 0.45 at 1.5, 0.385 at 2.5, 0.43 at 4 (bench/results/offline.json has the current numbers).
 */
export const DEFAULT_PHRASE_BONUS = 2.5;

export interface OfflineEngineInfo {
  /** Time from `load()` to ready, ms. */
  loadMs: number;
  /** Bytes of each file. */
  bytes: Partial<Record<AssetName, number>>;
  /** Whether each file came from the offline cache. */
  fromCache: Partial<Record<AssetName, boolean>>;
}

export interface OfflineEngine {
  /** Loads models (cache first). Rejects with `SottoError` `model_unavailable` or `offline_engine_error`. */
  load(): Promise<OfflineEngineInfo>;
  /** Recognises 16 kHz mono audio. Rejects with `SottoError('offline_engine_error')`. */
  transcribe(audio: Float32Array, options: AsrOptions): Promise<Recognition>;
  /** Synthesises one piece of a reply. Rejects with `SottoError('offline_engine_error')`. */
  synthesize(text: string, index: number, voice: FliteVoice): Promise<SpeechPiece>;
  /** Stops the worker. Idempotent. */
  close(): Promise<void>;
}
