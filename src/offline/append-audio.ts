/**
 * `input_audio_buffer.append` audio (base64 of 16-bit little-endian mono PCM at 24 kHz, the GA
 * `audio/pcm` format) to 16 kHz floats for the recogniser. Pure.
 */
import { Resampler } from '../audio/resampler.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The samples at 16 kHz, or null when `b64` is not base64 of whole 16-bit samples. */
export function decodeAppendAudio(b64: string): Float32Array | null {
  if (!BASE64.test(b64) || b64.length % 4 !== 0) return null;
  const bin = atob(b64);
  if (bin.length % 2 !== 0) return null;
  const pcm = new Float32Array(bin.length / 2);
  for (let i = 0; i < pcm.length; i++) {
    const v = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
    pcm[i] = (v >= 0x8000 ? v - 0x10000 : v) / 32768;
  }
  const r = new Resampler({ inputRate: 24_000, outputRate: 16_000 });
  const out = new Float32Array(r.maxOutputFrames(pcm.length) + r.maxOutputFrames(0) + r.taps);
  let n = r.process(pcm, out);
  n += r.flush(out.subarray(n));
  return out.slice(0, n);
}
