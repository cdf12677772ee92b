/**
 * PCM16 framing for the WebSocket endpoint: reply audio from the brain's rate to the GA wire format
 * (24 kHz mono 16-bit little-endian PCM, base64), chunk by chunk, through the SDK's streaming
 * resampler (src/audio/resampler.ts), so chunk boundaries leave no seam. Pure: no I/O, no clock.
 */
import { Resampler } from '../../src/audio/resampler.ts';

/** Rate of `response.output_audio.delta` audio (GA `audio/pcm`). */
export const WIRE_RATE = 24_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian 16-bit PCM as base64 (the GA `audio/pcm` encoding). */
export function encodePcm16Base64(pcm: Int16Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
  const bytes = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) bytes.writeInt16LE(pcm[i] ?? 0, i * 2);
  return bytes.toString('base64');
}

/**
 * The brain's reply audio (16-bit PCM at `fromRate`) to {@link WIRE_RATE}, one reply at a time: `push`
 * each chunk, `flush` at the end of the reply (the filter's tail), `reset` to drop a cancelled one.
 * Passes 24 kHz audio through untouched.
 */
export class WireResampler {
  readonly #resampler: Resampler | null;
  #in = new Float32Array(0);
  #out = new Float32Array(0);

  constructor(fromRate: number) {
    this.#resampler = fromRate === WIRE_RATE ? null : new Resampler({ inputRate: fromRate, outputRate: WIRE_RATE });
  }

  push(pcm: Int16Array): Int16Array {
    const r = this.#resampler;
    if (!r) return pcm;
    if (this.#in.length < pcm.length) this.#in = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) this.#in[i] = (pcm[i] ?? 0) / 32768;
    const out = this.#room(r.maxOutputFrames(pcm.length));
    return toInt16(out, r.process(this.#in, out, pcm.length));
  }

  /** The rest of the current reply's audio (what the filter still holds); the next reply starts fresh. */
  flush(): Int16Array {
    const r = this.#resampler;
    if (!r) return new Int16Array(0);
    const out = this.#room(r.maxOutputFrames(r.latencyFrames) + 1);
    return toInt16(out, r.flush(out));
  }

  /** Drops what the filter holds (a cancelled reply). */
  reset(): void {
    this.#resampler?.reset();
  }

  #room(frames: number): Float32Array {
    if (this.#out.length < frames) this.#out = new Float32Array(frames);
    return this.#out;
  }
}

function toInt16(x: Float32Array, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round((x[i] ?? 0) * 32768)));
  return out;
}
