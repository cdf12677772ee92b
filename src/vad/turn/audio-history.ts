/**
 * The last few seconds of 16 kHz audio by absolute sample position: a circular buffer the VAD loop writes
 * each hop into and the turn model reads its window from. Pure; allocates only in the constructor.
 */
export class AudioHistory {
  readonly #buf: Float32Array;
  /** Position of the sample after the newest one written. */
  #end = 0;
  /** Oldest position still held (after a gap, the first position after it). */
  #start = 0;

  constructor(samples: number) {
    this.#buf = new Float32Array(samples);
  }

  /** Position after the newest sample. */
  get end(): number {
    return this.#end;
  }

  /** Appends `samples` starting at `position`; a jump in positions forgets what came before. */
  write(samples: Float32Array, position: number): void {
    if (position !== this.#end) this.#start = position;
    const cap = this.#buf.length;
    const n = samples.length;
    for (let i = 0; i < n; i++) this.#buf[(position + i) % cap] = samples[i] ?? 0;
    this.#end = position + n;
    if (this.#end - this.#start > cap) this.#start = this.#end - cap;
  }

  /**
   * Fills `out` with the audio that ends at `end` (exclusive): the last `out.length` samples, zeros where
   * nothing is held or before `from` (e.g. the turn's start). Returns the samples copied.
   */
  read(out: Float32Array, end: number, from = 0): number {
    const cap = this.#buf.length;
    const stop = Math.min(end, this.#end);
    const first = Math.max(end - out.length, this.#start, from);
    out.fill(0);
    let copied = 0;
    for (let p = first; p < stop; p++, copied++) out[out.length - (end - p)] = this.#buf[p % cap] ?? 0;
    return copied;
  }
}
