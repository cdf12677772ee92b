/** Small PCM helpers for reply audio: resampling by an integer factor and silence trimming. */

/** Windowed-sinc low-pass FIR taps per phase for upsampling by `factor`. */
function upsampleTaps(factor: number, halfWidth: number): Float32Array[] {
  const phases: Float32Array[] = [];
  for (let ph = 0; ph < factor; ph++) {
    const taps = new Float32Array(2 * halfWidth);
    let sum = 0;
    for (let k = 0; k < 2 * halfWidth; k++) {
      // Distance (in input samples) from output point (ph / factor) to input sample (k - halfWidth + 1).
      const x = k - halfWidth + 1 - ph / factor;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / halfWidth); // Hann
      taps[k] = Math.abs(x) < halfWidth ? sinc * w : 0;
      sum += taps[k] ?? 0;
    }
    for (let k = 0; k < taps.length; k++) taps[k] = (taps[k] ?? 0) / sum;
    phases.push(taps);
  }
  return phases;
}

const tapCache = new Map<number, Float32Array[]>();

/** Upsamples 16-bit PCM by an integer factor (e.g. 16 kHz -> 48 kHz with 3) through a windowed-sinc filter. */
export function upsampleInt(src: Int16Array, factor: number): Int16Array {
  if (factor === 1) return src.slice();
  const half = 8;
  let phases = tapCache.get(factor);
  if (!phases) {
    phases = upsampleTaps(factor, half);
    tapCache.set(factor, phases);
  }
  const out = new Int16Array(src.length * factor);
  for (let i = 0; i < src.length; i++) {
    for (const [ph, taps] of phases.entries()) {
      let acc = 0;
      for (let k = 0; k < taps.length; k++) {
        const j = i + k - half + 1;
        if (j >= 0 && j < src.length) acc += (src[j] ?? 0) * (taps[k] ?? 0);
      }
      out[i * factor + ph] = Math.max(-32768, Math.min(32767, Math.round(acc)));
    }
  }
  return out;
}

/** Linear-interpolation rate change (for rates that are not integer multiples). */
export function resampleLinear(src: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return src.slice();
  const n = Math.floor((src.length * to) / from);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const x = (i * from) / to;
    const i0 = Math.floor(x);
    const a = src[i0] ?? 0;
    const b = src[i0 + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (x - i0));
  }
  return out;
}

/** Any rate to `to`: integer upsampling when it divides, else linear. */
export function resample(src: Int16Array, from: number, to: number): Int16Array {
  return to % from === 0 ? upsampleInt(src, to / from) : resampleLinear(src, from, to);
}

/**
 * Cuts leading and trailing silence (|sample| below `threshold`), keeping `padSamples` on each side, so
 * phrases join without long gaps and the first sample of a reply is close to speech onset.
 */
export function trimSilence(pcm: Int16Array, threshold = 400, padSamples = 0): Int16Array {
  let a = 0;
  while (a < pcm.length && Math.abs(pcm[a] ?? 0) < threshold) a++;
  let b = pcm.length;
  while (b > a && Math.abs(pcm[b - 1] ?? 0) < threshold) b--;
  if (a >= b) return pcm.subarray(0, 0);
  return pcm.subarray(Math.max(0, a - padSamples), Math.min(pcm.length, b + padSamples));
}

/** Base64 of little-endian 16-bit PCM to a fresh, aligned Int16Array (an odd trailing byte is dropped). */
export function decodePcm16Base64(b64: string): Int16Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Int16Array(Math.floor(bytes.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}
