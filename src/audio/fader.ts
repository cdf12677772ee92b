/**
 * Click-free transitions of the playback core: fade-ins after silence, fade-outs into silence (a mirrored
 * continuation of the last output samples, so it also works when no more audio is there), and the fade at
 * the very end of a stream. Pure; allocated in the constructor; no method allocates, logs, throws or waits.
 */
export class Fader {
  /** Fade length, in frames. */
  readonly frames: number;
  /** The last `frames` output samples, oldest first. */
  readonly #tail: Float32Array;
  #fadeInLeft: number;
  #audible = false;

  /** @param frames fade length in frames (>= 1). */
  constructor(frames: number) {
    this.frames = frames;
    this.#tail = new Float32Array(frames);
    this.#fadeInLeft = frames;
  }

  /** Whether the output is playing audio (a fade-out is due before silence). */
  get audible(): boolean {
    return this.#audible;
  }

  /** Whether a fade-in is pending or in progress. */
  get fadingIn(): boolean {
    return this.#fadeInLeft > 0;
  }

  /**
   * Marks `out[i, i + k)` as audio: fades it in after silence. When `left` (samples left in the stream,
   * counting these) is given, also fades out the stream's last `frames` samples.
   */
  audio(out: Float32Array, i: number, k: number, left = Infinity): void {
    const f = this.frames;
    for (let j = i; j < i + k && this.#fadeInLeft > 0; j++)
      out[j] = ((out[j] ?? 0) * (f - --this.#fadeInLeft)) / (f + 1);
    for (let j = Math.max(i, i + left - f); j < i + k; j++) out[j] = ((out[j] ?? 0) * (i + left - j)) / (f + 1);
    this.#audible = left > k;
  }

  /** Writes silence to `out[from, to)`, starting with a fade-out of the mirrored past if audio was playing. */
  silence(out: Float32Array, from: number, to: number): number {
    let j = from;
    if (this.#audible) {
      const f = Math.min(this.frames, to - from);
      const tail = this.#tail;
      for (let m = 0; m < f; m++, j++) {
        const back = from - 1 - m;
        const x = back >= 0 ? (out[back] ?? 0) : (tail[tail.length + back] ?? 0);
        out[j] = (x * (f - 1 - m)) / f;
      }
      this.#audible = false;
    }
    out.fill(0, j, to);
    this.#fadeInLeft = this.frames;
    return to;
  }

  /** Remembers the end of a finished quantum `out[0, n)` for later fade-outs. */
  remember(out: Float32Array, n: number): void {
    const tail = this.#tail;
    const f = tail.length;
    const k = Math.min(n, f);
    tail.copyWithin(0, k);
    for (let m = 0; m < k; m++) tail[f - k + m] = out[n - k + m] ?? 0;
  }
}
