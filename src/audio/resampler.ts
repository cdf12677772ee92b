import { designTable, kaiserBeta, kaiserTaps } from './windowed-sinc.ts';

/**
 * Streaming rational resampler: a polyphase windowed-sinc (Kaiser) low-pass, exact for every pair of
 * integer rates, plus the downmix helper of the capture path. Pure: no DOM, no worklet globals.
 *
 * Output sample `n` is the input signal at input time `n * inputRate / outputRate` (in input frames): the
 * filter's delay is compensated, so the first output comes out once `latencyFrames` input frames are in,
 * and {@link Resampler.flush} returns the tail still held at the end of a stream.
 */

/** Lowest sample rate accepted, in Hz. */
export const MIN_SAMPLE_RATE = 8000;
/** Highest sample rate accepted, in Hz. */
export const MAX_SAMPLE_RATE = 192000;

/** Error codes of {@link ResamplerError}. */
export type ResamplerErrorCode =
  /** A rate is not an integer number of Hz in [{@link MIN_SAMPLE_RATE}, {@link MAX_SAMPLE_RATE}]. */
  | 'unsupported_sample_rate'
  /** A filter option is out of range. */
  | 'invalid_option';

/** Thrown by the {@link Resampler} constructor; never by its audio-thread methods. */
export class ResamplerError extends Error {
  override readonly name = 'ResamplerError';
  readonly code: ResamplerErrorCode;

  constructor(code: ResamplerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Whether `rate` is an integer number of Hz in [{@link MIN_SAMPLE_RATE}, {@link MAX_SAMPLE_RATE}]. */
export function isSupportedSampleRate(rate: unknown): rate is number {
  return Number.isInteger(rate) && (rate as number) >= MIN_SAMPLE_RATE && (rate as number) <= MAX_SAMPLE_RATE;
}

/** Options of {@link Resampler}. */
export interface ResamplerOptions {
  /** Input rate in Hz: an integer in [8000, 192000]. */
  inputRate: number;
  /** Output rate in Hz: an integer in [8000, 192000]. */
  outputRate: number;
  /** End of the flat passband, as a fraction of the lower of the two Nyquist rates. Default 0.9 (7.2 kHz at 16 kHz). */
  passband?: number;
  /**
   * Start of the stopband, as a fraction of the lower Nyquist rate. Default 1: nothing above the output's
   * Nyquist rate aliases. Values up to 2 let the transition band alias onto itself (above the passband)
   * for a shorter, faster filter.
   */
  stopband?: number;
  /** Stopband attenuation in dB; with the transition width it sets the Kaiser β and the filter length. Default 80. */
  attenuationDb?: number;
  /**
   * Most polyphase branches stored exactly. Rate pairs that need more (e.g. 8001 to 16000 Hz) interpolate
   * linearly between this many. Integer in [16, 4096]. Default 1024 (enough for all common rates).
   */
  maxPhases?: number;
  /** Input frames copied per internal pass; longer inputs take several passes. Integer >= 16. Default 512. */
  blockFrames?: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!(value >= min && value <= max)) {
    throw new ResamplerError('invalid_option', `${name} must be in [${min}, ${max}], got ${value}`);
  }
}

/**
 * Converts a stream from `inputRate` to `outputRate`. The constructor allocates (filter table, history);
 * {@link process}, {@link flush} and {@link reset} never allocate, log, throw or wait, so they may run in
 * `AudioWorkletProcessor.process()`. Non-finite input samples are replaced by 0 and counted.
 */
export class Resampler {
  /** Input rate, Hz. */
  readonly inputRate: number;
  /** Output rate, Hz. */
  readonly outputRate: number;
  /** Upsampling factor L of the reduced ratio L/M = outputRate/inputRate. */
  readonly up: number;
  /** Downsampling factor M of the reduced ratio. */
  readonly down: number;
  /** Filter taps per output sample. */
  readonly taps: number;
  /** Input frames of lookahead (filter delay) before output `n` can be computed: `taps / 2`. */
  readonly latencyFrames: number;
  readonly #table: Float32Array;
  /** Rows in the table: `up` when exact, `maxPhases + 1` when interpolating. */
  readonly #rows: number;
  readonly #exact: boolean;
  readonly #buf: Float32Array;
  readonly #stepInt: number;
  readonly #stepFrac: number;
  #bufLen = 0;
  #next = 0;
  #phase = 0;
  #consumed = 0;
  #produced = 0;
  #nonFinite = 0;
  #dropped = 0;

  /** @throws ResamplerError `unsupported_sample_rate` or `invalid_option`. */
  constructor(options: ResamplerOptions) {
    const { inputRate, outputRate } = options;
    for (const [name, rate] of [
      ['inputRate', inputRate],
      ['outputRate', outputRate],
    ] as const) {
      if (!isSupportedSampleRate(rate)) {
        throw new ResamplerError(
          'unsupported_sample_rate',
          `${name} must be an integer in [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}] Hz, got ${String(rate)}`,
        );
      }
    }
    const passband = options.passband ?? 0.9;
    const stopband = options.stopband ?? 1;
    const attenuation = options.attenuationDb ?? 80;
    const maxPhases = options.maxPhases ?? 1024;
    const blockFrames = options.blockFrames ?? 512;
    checkRange('passband', passband, 0.05, 0.99);
    checkRange('stopband', stopband, passband + 0.01, 2);
    checkRange('attenuationDb', attenuation, 30, 160);
    checkRange('maxPhases', maxPhases, 16, 4096);
    checkRange('blockFrames', blockFrames, 16, 1 << 20);
    if (!Number.isInteger(maxPhases) || !Number.isInteger(blockFrames)) {
      throw new ResamplerError('invalid_option', 'maxPhases and blockFrames must be integers');
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;
    this.#stepInt = Math.floor(this.down / this.up);
    this.#stepFrac = this.down % this.up;
    if (this.up === this.down) {
      this.taps = 1;
      this.#exact = true;
      this.#rows = 1;
      this.#table = Float32Array.of(1);
    } else {
      // Kaiser design; frequencies in cycles per input sample.
      const nyquist = Math.min(inputRate, outputRate) / 2 / inputRate;
      const cutoff = ((passband + stopband) / 2) * nyquist;
      const transition = (stopband - passband) * nyquist;
      this.taps = kaiserTaps(attenuation, transition);
      const beta = kaiserBeta(attenuation);
      this.#exact = this.up <= maxPhases;
      this.#rows = this.#exact ? this.up : maxPhases + 1;
      this.#table = designTable(this.#rows, this.#exact ? this.up : maxPhases, this.taps, cutoff, beta);
    }
    this.latencyFrames = this.taps === 1 ? 0 : this.taps / 2;
    this.#buf = new Float32Array(this.taps + blockFrames);
    this.reset();
  }

  /** Input frames taken since the last reset. */
  get inputFrames(): number {
    return this.#consumed;
  }

  /** Output frames produced since the last reset. */
  get outputFrames(): number {
    return this.#produced;
  }

  /** Non-finite input samples replaced by 0 since construction. */
  get nonFiniteCount(): number {
    return this.#nonFinite;
  }

  /** Output frames lost since construction because an `output` array was too small. */
  get droppedOutputFrames(): number {
    return this.#dropped;
  }

  /** Most output frames one `process()` of `inputFrames` frames can produce: size `output` with it. */
  maxOutputFrames(inputFrames: number): number {
    return Math.ceil((inputFrames * this.up) / this.down) + 1;
  }

  /**
   * Time of the next output frame, given `nextInputTime`: the time of the next input frame to be processed
   * (e.g. AudioContext `currentTime` before processing the current render quantum). Same unit as given.
   */
  nextOutputTime(nextInputTime: number): number {
    return nextInputTime + ((this.#produced * this.down) / this.up - this.#consumed) / this.inputRate;
  }

  /**
   * Resamples `length` frames of `input` into `output` from index 0; returns the frames written. Output
   * beyond `output.length` is dropped and counted ({@link droppedOutputFrames}): size `output` with
   * {@link maxOutputFrames}. Audio thread: never allocates, logs, throws or waits.
   */
  process(input: Float32Array, output: Float32Array, length: number = input.length): number {
    const n = Math.max(0, Math.min(length, input.length));
    const buf = this.#buf;
    let written = 0;
    let i = 0;
    while (i < n) {
      const take = Math.min(n - i, buf.length - this.#bufLen);
      let bad = 0;
      for (let j = this.#bufLen, end = this.#bufLen + take; j < end; j++, i++) {
        const x = input[i] ?? 0;
        if (x - x === 0) buf[j] = x;
        else {
          buf[j] = 0;
          bad++;
        }
      }
      this.#nonFinite += bad;
      this.#bufLen += take;
      this.#consumed += take;
      written = this.#run(output, written, Infinity);
    }
    return written;
  }

  /**
   * Ends the stream: writes the output frames still held by the filter delay (those that represent input
   * already given) into `output` from index 0, returns their number and resets. Size `output` with
   * `maxOutputFrames(latencyFrames)`. Audio thread: never allocates, logs, throws or waits.
   */
  flush(output: Float32Array): number {
    const last = Math.ceil((this.#consumed * this.up) / this.down);
    const buf = this.#buf;
    let written = 0;
    let zeros = this.latencyFrames + 1;
    while (zeros > 0 && this.#produced < last) {
      const take = Math.min(zeros, buf.length - this.#bufLen);
      buf.fill(0, this.#bufLen, this.#bufLen + take);
      this.#bufLen += take;
      zeros -= take;
      written = this.#run(output, written, last);
    }
    this.reset();
    return written;
  }

  /** Forgets the history and the counters of frames (not the error counters). Never allocates. */
  reset(): void {
    this.#buf.fill(0);
    // Half the taps minus one of zero history: output 0 is then centred on input frame 0.
    this.#bufLen = Math.max(0, this.latencyFrames - 1);
    this.#next = this.taps - 1;
    this.#phase = 0;
    this.#consumed = 0;
    this.#produced = 0;
  }

  /** Computes every output whose window is complete (up to `limit` produced), then compacts the history. */
  #run(output: Float32Array, written: number, limit: number): number {
    const buf = this.#buf;
    const table = this.#table;
    const taps = this.taps;
    const up = this.up;
    const stepInt = this.#stepInt;
    const stepFrac = this.#stepFrac;
    const bufLen = this.#bufLen;
    const exact = this.#exact;
    const scale = exact ? 1 : (this.#rows - 1) / up;
    const outLen = output.length;
    let next = this.#next;
    let phase = this.#phase;
    let produced = this.#produced;
    let dropped = 0;
    while (next < bufLen && produced < limit) {
      const start = next - taps + 1;
      let y: number;
      if (exact) {
        y = dot(table, phase * taps, buf, start, taps);
      } else {
        const x = phase * scale;
        const row = Math.floor(x);
        const a = dot(table, row * taps, buf, start, taps);
        y = a + (x - row) * (dot(table, (row + 1) * taps, buf, start, taps) - a);
      }
      if (written < outLen) output[written++] = y;
      else dropped++;
      produced++;
      next += stepInt;
      phase += stepFrac;
      if (phase >= up) {
        phase -= up;
        next++;
      }
    }
    this.#dropped += dropped;
    this.#phase = phase;
    this.#produced = produced;
    // Keep the last taps - 1 frames before `next` (the next window's history).
    const keep = Math.min(next - taps + 1, bufLen);
    if (keep > 0) {
      buf.copyWithin(0, keep, bufLen);
      this.#bufLen = bufLen - keep;
      next -= keep;
    }
    this.#next = next;
    return written;
  }
}

/** Dot product of `n` taps from `table[t]` with `n` samples from `buf[b]`, four partial sums for speed. */
function dot(table: Float32Array, t: number, buf: Float32Array, b: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += (table[t + k] ?? 0) * (buf[b + k] ?? 0);
    s1 += (table[t + k + 1] ?? 0) * (buf[b + k + 1] ?? 0);
    s2 += (table[t + k + 2] ?? 0) * (buf[b + k + 2] ?? 0);
    s3 += (table[t + k + 3] ?? 0) * (buf[b + k + 3] ?? 0);
  }
  for (; k < n; k++) s0 += (table[t + k] ?? 0) * (buf[b + k] ?? 0);
  return s0 + s1 + (s2 + s3);
}

/**
 * Averages `channels` into `out` for `frames` frames (default `out.length`); with no channel, writes
 * silence. Non-finite samples count as 0 and are counted: returns their number. Audio thread: never
 * allocates, logs, throws or waits.
 */
export function downmix(channels: readonly Float32Array[], out: Float32Array, frames: number = out.length): number {
  const count = channels.length;
  const n = Math.min(frames, out.length);
  let bad = 0;
  if (count === 0) {
    out.fill(0, 0, n);
    return 0;
  }
  const scale = 1 / count;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < count; c++) {
      const x = channels[c]?.[i] ?? 0;
      if (x - x === 0) s += x;
      else bad++;
    }
    out[i] = s * scale;
  }
  return bad;
}
