/**
 * The user's uncommitted input audio (mono 16-bit PCM). Appends are copied into chunks; `take()` hands
 * the whole buffer over as one array and starts a new one. Bounded: beyond `maxMs` the oldest audio is
 * dropped and counted.
 */
export class InputAudioBuffer {
  readonly sampleRate: number;
  readonly #maxSamples: number;
  #chunks: Int16Array[] = [];
  #samples = 0;
  #dropped = 0;

  constructor(sampleRate: number, maxMs = 60_000) {
    this.sampleRate = sampleRate;
    this.#maxSamples = Math.round((sampleRate * maxMs) / 1000);
  }

  /** Samples currently buffered. */
  get samples(): number {
    return this.#samples;
  }

  /** Samples dropped because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  append(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.#chunks.push(pcm.slice());
    this.#samples += pcm.length;
    while (this.#samples > this.#maxSamples) {
      const head = this.#chunks[0];
      if (!head) break;
      const excess = this.#samples - this.#maxSamples;
      if (head.length <= excess) {
        this.#chunks.shift();
        this.#samples -= head.length;
        this.#dropped += head.length;
      } else {
        this.#chunks[0] = head.subarray(excess);
        this.#samples -= excess;
        this.#dropped += excess;
      }
    }
  }

  /** Returns everything buffered, in order, and empties the buffer. */
  take(): Int16Array {
    const out = new Int16Array(this.#samples);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.clear();
    return out;
  }

  clear(): void {
    this.#chunks = [];
    this.#samples = 0;
  }
}
