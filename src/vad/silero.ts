import { VadError } from './errors.ts';

/** Silero v5/v6 at 16 kHz: samples per frame. */
export const SILERO_FRAME_SAMPLES = 512;
/**
 * Samples between the starts of consecutive frames in the VAD: frames overlap by half, so a probability
 * comes every 16 ms (two interleaved recurrent states, see {@link SileroVad.create}).
 */
export const SILERO_HOP_SAMPLES = 256;
/** Recurrent states the VAD's model keeps: one per frame that overlaps the current one. */
export const SILERO_STREAMS = SILERO_FRAME_SAMPLES / SILERO_HOP_SAMPLES;
/** Samples of the previous frame prepended to each input (silero-vad's `OnnxWrapper` context). */
export const SILERO_CONTEXT_SAMPLES = 64;
/** The only rate the VAD runs at, in Hz. */
export const SILERO_SAMPLE_RATE = 16_000;
/** Size of the recurrent state tensor `[2, 1, 128]`. */
export const SILERO_STATE_SIZE = 2 * 128;

/** The part of an onnxruntime tensor the model reads. */
export interface SileroTensor {
  readonly data: unknown;
}

/**
 * The part of an onnxruntime `InferenceSession` the model uses; onnxruntime-web and onnxruntime-node both
 * fit, so the same code runs in the worker and in unit tests.
 */
export interface SileroSession<T extends SileroTensor> {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, T>): Promise<Record<string, SileroTensor | undefined>>;
  release(): Promise<void>;
}

/** Makes tensors for a session (wraps `new ort.Tensor(...)`; the data is not copied). */
export interface SileroTensorFactory<T extends SileroTensor> {
  float32(data: Float32Array, dims: readonly number[]): T;
  int64(data: BigInt64Array, dims: readonly number[]): T;
}

/** What {@link SileroVad.exportState} returns: everything needed to continue on another session. */
export interface SileroState {
  /** The recurrent state of each stream, `[2, 1, 128]` flattened, one after the other. */
  readonly state: Float32Array;
  /** The last {@link SILERO_CONTEXT_SAMPLES} samples of each stream's previous frame, one after the other. */
  readonly context: Float32Array;
  /** The stream the next frame goes to. */
  readonly next: number;
}

/** What the VAD loop needs from a model (so that it does not depend on one onnxruntime flavour). */
export interface VadModel {
  process(frame: Float32Array): Promise<number>;
  reset(): void;
  exportState(): SileroState;
  importState(s: SileroState): void;
  release(): Promise<void>;
}

/**
 * Silero VAD v5/v6 over an onnxruntime session: one call per 512-sample frame at 16 kHz, the 64-sample
 * context of the previous frame prepended (576 samples in), the recurrent state carried from one frame to
 * the next. With `streams: 2`, frames that overlap by half (a hop of 256 samples) go to two recurrent
 * states in turn, so each state sees contiguous frames, as the model was trained: one probability every
 * 16 ms from one session. Not thread-safe: one `process()` at a time.
 *
 * Allocation per frame is what onnxruntime does for its outputs; the input buffer and its tensor are made
 * once and reused (onnxruntime copies inputs into its own memory on every run).
 */
export class SileroVad<T extends SileroTensor> implements VadModel {
  readonly #session: SileroSession<T>;
  readonly #tensors: SileroTensorFactory<T>;
  readonly #input = new Float32Array(SILERO_CONTEXT_SAMPLES + SILERO_FRAME_SAMPLES);
  readonly #inputTensor: T;
  readonly #sr: T;
  readonly #states: T[];
  /** Each stream's context, one after the other. */
  readonly #contexts: Float32Array;
  #next = 0;
  #released = false;

  private constructor(session: SileroSession<T>, tensors: SileroTensorFactory<T>, streams: number) {
    this.#session = session;
    this.#tensors = tensors;
    this.#inputTensor = tensors.float32(this.#input, [1, this.#input.length]);
    this.#sr = tensors.int64(BigInt64Array.of(BigInt(SILERO_SAMPLE_RATE)), []);
    this.#states = Array.from({ length: streams }, () => this.#zeroState());
    this.#contexts = new Float32Array(streams * SILERO_CONTEXT_SAMPLES);
  }

  /** Recurrent states that take frames in turn (1, or 2 for frames that overlap by half). */
  get streams(): number {
    return this.#states.length;
  }

  /**
   * Wraps a session after checking it is a Silero v5/v6 model and running one silent frame through it.
   * Throws a {@link VadError} `model_invalid` otherwise (the session is released).
   *
   * @param streams recurrent states taking frames in turn: 1 (contiguous frames, the default) or 2
   *   (frames {@link SILERO_HOP_SAMPLES} apart)
   */
  static async create<T extends SileroTensor>(
    session: SileroSession<T>,
    tensors: SileroTensorFactory<T>,
    streams = 1,
  ): Promise<SileroVad<T>> {
    if (!Number.isInteger(streams) || streams < 1)
      throw new RangeError(`streams must be an integer >= 1, got ${streams}`);
    const missing = [
      ...['input', 'state', 'sr'].filter((n) => !session.inputNames.includes(n)),
      ...['output', 'stateN'].filter((n) => !session.outputNames.includes(n)),
    ];
    if (missing.length > 0) {
      await session.release().catch(() => undefined);
      throw new VadError(
        'model_invalid',
        `not a Silero v5/v6 model: missing ${missing.join(', ')} (inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`,
      );
    }
    const vad = new SileroVad(session, tensors, streams);
    try {
      await vad.process(new Float32Array(SILERO_FRAME_SAMPLES));
    } catch (e) {
      await session.release().catch(() => undefined);
      throw new VadError('model_invalid', `the model failed its first run: ${String(e)}`, { cause: e });
    }
    vad.reset();
    return vad;
  }

  /**
   * Speech probability (0–1) of one frame of {@link SILERO_FRAME_SAMPLES} samples at 16 kHz, in [-1, 1].
   * Rejects when the session fails (e.g. its GPU device was lost); the state is then unchanged.
   */
  async process(frame: Float32Array): Promise<number> {
    if (frame.length !== SILERO_FRAME_SAMPLES) {
      throw new RangeError(`a frame is ${SILERO_FRAME_SAMPLES} samples, got ${frame.length}`);
    }
    const input = this.#input;
    const k = this.#next;
    const context = this.#contexts.subarray(k * SILERO_CONTEXT_SAMPLES, (k + 1) * SILERO_CONTEXT_SAMPLES);
    input.set(context, 0);
    input.set(frame, SILERO_CONTEXT_SAMPLES);
    const state = this.#states[k] ?? this.#zeroState();
    const out = await this.#session.run({ input: this.#inputTensor, state, sr: this.#sr });
    const p = out.output?.data;
    const next = out.stateN;
    // ArrayBuffer.isView rather than instanceof: a native backend may hand out another realm's arrays.
    if (!ArrayBuffer.isView(p) || !(p as Float32Array).length || next === undefined) {
      throw new VadError('model_invalid', 'the model returned no output or no state');
    }
    this.#states[k] = next as T;
    // The context of this stream's next frame is the tail of this one.
    context.set(input.subarray(SILERO_FRAME_SAMPLES, SILERO_FRAME_SAMPLES + SILERO_CONTEXT_SAMPLES));
    this.#next = (k + 1) % this.#states.length;
    return (p as Float32Array)[0] ?? Number.NaN;
  }

  /** Forgets the recurrent states and contexts (a new stream, or after a gap in the audio). */
  reset(): void {
    for (let k = 0; k < this.#states.length; k++) this.#states[k] = this.#zeroState();
    this.#contexts.fill(0);
    this.#next = 0;
  }

  /** A copy of the states and contexts, to continue on another session (a backend switch). */
  exportState(): SileroState {
    const state = new Float32Array(this.#states.length * SILERO_STATE_SIZE);
    this.#states.forEach((t, k) => {
      if (ArrayBuffer.isView(t.data)) state.set(t.data as Float32Array, k * SILERO_STATE_SIZE);
    });
    return { state, context: this.#contexts.slice(), next: this.#next };
  }

  /** Continues from a state exported by an instance with as many streams. */
  importState(s: SileroState): void {
    if (s.state.length !== this.#states.length * SILERO_STATE_SIZE || s.context.length !== this.#contexts.length) {
      throw new RangeError(`a state of ${s.state.length / SILERO_STATE_SIZE} stream(s) for ${this.#states.length}`);
    }
    for (let k = 0; k < this.#states.length; k++) {
      const one = s.state.slice(k * SILERO_STATE_SIZE, (k + 1) * SILERO_STATE_SIZE);
      this.#states[k] = this.#tensors.float32(one, [2, 1, 128]);
    }
    this.#contexts.set(s.context);
    this.#next = s.next % this.#states.length;
  }

  #zeroState(): T {
    return this.#tensors.float32(new Float32Array(SILERO_STATE_SIZE), [2, 1, 128]);
  }

  /** Releases the session; further `process()` calls reject. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#session.release();
  }
}
