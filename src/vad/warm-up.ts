/**
 * The warm-up run before a VAD says `ready` (worker; pure over a {@link VadModel}). The first inferences of
 * a fresh onnxruntime-web session run on V8's baseline WebAssembly code and allocate the session's
 * buffers; on a busy 2-core machine they took 20-60 ms each (p95) against ~1.5 ms warm, which is what left
 * the first seconds of audio grinding behind. Running a few frames before `ready` moves that cost before
 * the user is told to speak; the recurrent state is reset after, so no decision carries it.
 */
import { SILERO_FRAME_SAMPLES, type VadModel } from './silero.ts';

/** Frames run by {@link warmUp} by default (about 0.5 s of audio). */
export const WARMUP_FRAMES = 32;

/**
 * Runs `frames` inferences on quiet noise (a deterministic sequence: no speech, nothing to decide) and
 * resets the model's state. Resolves with the time taken, in ms.
 */
export async function warmUp(model: VadModel, frames = WARMUP_FRAMES): Promise<number> {
  const t0 = performance.now();
  const frame = new Float32Array(SILERO_FRAME_SAMPLES);
  let seed = 1;
  for (let i = 0; i < frames; i++) {
    for (let j = 0; j < frame.length; j++) {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      frame[j] = (seed / 0x7fffffff - 0.5) * 0.002;
    }
    await model.process(frame);
  }
  model.reset();
  return performance.now() - t0;
}
