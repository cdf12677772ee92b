/** Messages between {@link WorkerEngine} (main thread) and the offline worker, over comlink. */
import type { SottoErrorCode } from '../errors.ts';
import type { ResolvedAsset } from './config.ts';
import type { AsrOptions, OfflineEngineInfo } from './engine.ts';
import type { FliteVoice } from './tts/flite.ts';
import type { Recognition, SpeechPiece } from './types.ts';

export interface OfflineWorkerConfig {
  /** Absolute URLs (the worker's base URL is not the page's). */
  assets: ResolvedAsset[];
  cacheName: string;
}

/** Errors cross the thread boundary as data (an Error's `code` would not survive structured clone). */
export type WorkerResult<T> = { ok: true; value: T } | { ok: false; error: { code: SottoErrorCode; message: string } };

export interface OfflineWorkerApi {
  init(config: OfflineWorkerConfig): Promise<WorkerResult<OfflineEngineInfo>>;
  /** `audio` is transferred. */
  transcribe(audio: Float32Array, options: AsrOptions): Promise<WorkerResult<Recognition>>;
  /** The PCM of the result is transferred. */
  synthesize(text: string, index: number, voice: FliteVoice): Promise<WorkerResult<SpeechPiece>>;
  dispose(): Promise<void>;
}
