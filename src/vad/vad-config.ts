/**
 * From {@link VadOptions} to what the worker is started with (main thread; pure data): defaults applied,
 * asset URLs made absolute, endpointer options checked.
 */
import { DEFAULT_VAD_ASSETS } from './assets.ts';
import { resolveEndpointerOptions } from './endpointer-options.ts';
import { SILERO_FRAME_SAMPLES, SILERO_HOP_SAMPLES, SILERO_SAMPLE_RATE } from './silero.ts';
import { turnWorkerConfig } from './turn/turn-config.ts';
import type { VadOptions, VadWorkerConfig } from './types.ts';
import { WARMUP_FRAMES } from './warm-up.ts';

/**
 * Where the VAD departs from the endpointer's model-agnostic defaults. `minSpeechFrames: 1`: Silero v5
 * rejects clicks, knocks and noise bursts by itself (at most 0.07 on the click fixtures, 0.5 is the
 * threshold), so one speech frame confirms an onset, ~32 ms sooner than the generic 3 at a 16 ms hop (see
 * bench/results/vad.json: onset, false starts).
 */
export const VAD_ENDPOINTER_DEFAULTS = Object.freeze({ minSpeechFrames: 1 });

/** The worker configuration every generation shares (the rest is per generation). */
export type SharedWorkerConfig = Omit<VadWorkerConfig, 'generation' | 'backend' | 'progress'>;

/**
 * Applies the defaults of {@link VadOptions}; URLs are resolved against the page. Throws a `RangeError`
 * for an invalid endpointer option.
 */
export function workerConfig(options: VadOptions): SharedWorkerConfig {
  const endpointer = { ...VAD_ENDPOINTER_DEFAULTS, ...options.endpointer };
  resolveEndpointerOptions({
    ...endpointer,
    sampleRate: SILERO_SAMPLE_RATE,
    frameSamples: SILERO_FRAME_SAMPLES,
    hopSamples: SILERO_HOP_SAMPLES,
  });
  const abs = (u: string): string => new URL(u, globalThis.location.href).href;
  return {
    modelUrl: abs(options.modelUrl ?? DEFAULT_VAD_ASSETS.modelUrl),
    wasmUrl: abs(options.wasmUrl ?? DEFAULT_VAD_ASSETS.wasmUrl),
    webgpuWasmUrl: abs(options.webgpuWasmUrl ?? DEFAULT_VAD_ASSETS.webgpuWasmUrl),
    allowSoftwareAdapter: options.allowSoftwareAdapter ?? false,
    benchmarkFrames: options.benchmarkFrames ?? 24,
    endpointer,
    modelCache: options.modelCache ?? 'sotto-vad-v1',
    frameEvents: options.frameEvents ?? false,
    statsIntervalMs: options.statsIntervalMs ?? 1000,
    maxLagMs: options.maxLagMs ?? 500,
    skipAfterMs: options.skipAfterMs ?? 1000,
    warmupFrames: options.warmupFrames ?? WARMUP_FRAMES,
    turn: turnWorkerConfig(options.turn, abs),
  };
}
