/**
 * Sotto's endpointer replayed over the speech probabilities that the real VAD worker computed in Chromium
 * (bench/turns.ts checks that the replay reproduces the worker's own `turn_end` events exactly), for any
 * `silenceMs`: the continuous silence sweep, and the pause points at which turn models are asked.
 */
import { Endpointer } from '../src/vad/endpointer.ts';
import type { EndpointerOptions } from '../src/vad/endpointer-options.ts';
import { SILERO_FRAME_SAMPLES, SILERO_HOP_SAMPLES, SILERO_SAMPLE_RATE } from '../src/vad/silero.ts';
import type { SilenceEvent } from './turns-policy.ts';

/** Frames as the worker analysed them: first sample position and speech probability. */
export interface FrameTrack {
  position: readonly number[];
  probability: readonly number[];
}

/**
 * The `turn_end` events (misfires are not decisions) of an endpointer with `options` (the worker's, as it
 * reported them) and `silenceMs`, fed the worker's probabilities and the frames' samples.
 */
export function replaySilence(
  frames: FrameTrack,
  audio: Float32Array,
  options: EndpointerOptions,
  silenceMs: number,
): SilenceEvent[] {
  // As the worker builds it (src/vad/vad-engine.ts): Silero's rate, 512-sample frames every 256 samples.
  const ep = new Endpointer({
    ...options,
    silenceMs,
    sampleRate: SILERO_SAMPLE_RATE,
    frameSamples: SILERO_FRAME_SAMPLES,
    hopSamples: SILERO_HOP_SAMPLES,
  });
  const n = ep.options.frameSamples;
  const rate = ep.options.sampleRate;
  const out: SilenceEvent[] = [];
  for (let i = 0; i < frames.position.length; i++) {
    const pos = frames.position[i] ?? 0;
    const ev = ep.process(frames.probability[i] ?? 0, pos, pos / rate, audio.subarray(pos, pos + n));
    if (ev?.type === 'turn_end') out.push({ silenceMs, endSample: ev.endSample, decisionSample: ev.decisionSample });
  }
  return out;
}
