/**
 * The user's uncommitted input audio (mono 16-bit PCM), addressed by absolute sample position since the
 * session started (the clock of `audio_start_ms` / `audio_end_ms`). Appends are copied into chunks;
 * `take()` hands audio over as one array. Bounded: beyond `maxMs` the oldest audio is dropped and counted.
 */
export class InputAudioBuffer {
  readonly sampleRate: number;
  readonly #maxSamples: number;
  #chunks: Int16Array[] = [];
  /** Absolute position of the first buffered sample. */
  #start = 0;
  /** Absolute position after the last sample ever appended. */
  #end = 0;
  #dropped = 0;

  constructor(sampleRate: number, maxMs = 60_000) {
    this.sampleRate = sampleRate;
    this.#maxSamples = Math.round((sampleRate * maxMs) / 1000);
  }

  /** Samples currently buffered. */
  get samples(): number {
    return this.#end - this.#start;
  }

  /** Absolute position of the first buffered sample. */
  get start(): number {
    return this.#start;
  }

  /** Absolute position after the newest sample (= every sample ever appended). */
  get end(): number {
    return this.#end;
  }

  /** Samples dropped because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Milliseconds for a sample count at this buffer's rate. */
  ms(samples: number): number {
    return (samples * 1000) / this.sampleRate;
  }

  append(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.#chunks.push(pcm.slice());
    this.#end += pcm.length;
    const excess = this.samples - this.#maxSamples;
    if (excess > 0) {
      this.#dropped += excess;
      this.dropBefore(this.#start + excess);
    }
  }

  /** Discards buffered audio before absolute position `pos`. */
  dropBefore(pos: number): void {
    let n = Math.min(pos, this.#end) - this.#start;
    while (n > 0) {
      const head = this.#chunks[0];
      if (!head) break;
      if (head.length <= n) {
        this.#chunks.shift();
        this.#start += head.length;
        n -= head.length;
      } else {
        this.#chunks[0] = head.subarray(n);
        this.#start += n;
        n = 0;
      }
    }
  }

  /**
   * Returns buffered audio up to absolute position `until` (default: everything), in order, and removes
   * it from the buffer. Audio after `until` stays.
   */
  take(until = this.#end): Int16Array {
    const stop = Math.max(this.#start, Math.min(until, this.#end));
    const out = new Int16Array(stop - this.#start);
    let at = 0;
    for (const c of this.#chunks) {
      if (at >= out.length) break;
      const n = Math.min(c.length, out.length - at);
      out.set(n === c.length ? c : c.subarray(0, n), at);
      at += n;
    }
    this.dropBefore(stop);
    return out;
  }

  /** A copy of the buffered audio from absolute position `from` (clamped to what is buffered) to the end. */
  peek(from: number): Int16Array {
    const begin = Math.max(this.#start, Math.min(from, this.#end));
    const out = new Int16Array(this.#end - begin);
    let pos = this.#start;
    let at = 0;
    for (const c of this.#chunks) {
      const skip = Math.max(0, begin - pos);
      if (skip < c.length) {
        const part = c.subarray(skip);
        out.set(part, at);
        at += part.length;
      }
      pos += c.length;
    }
    return out;
  }

  /** Discards everything buffered. */
  clear(): void {
    this.#chunks = [];
    this.#start = this.#end;
  }
}
