import { VadError } from './errors.ts';

/** Silero v5/v6 at 16 kHz: samples per frame. */
export const SILERO_FRAME_SAMPLES = 512;
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
  /** The recurrent state, `[2, 1, 128]` flattened. */
  readonly state: Float32Array;
  /** The last {@link SILERO_CONTEXT_SAMPLES} samples of the previous frame. */
  readonly context: Float32Array;
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
 * the next. Not thread-safe: one `process()` at a time.
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
  #state: T;
  #released = false;

  private constructor(session: SileroSession<T>, tensors: SileroTensorFactory<T>) {
    this.#session = session;
    this.#tensors = tensors;
    this.#inputTensor = tensors.float32(this.#input, [1, this.#input.length]);
    this.#sr = tensors.int64(BigInt64Array.of(BigInt(SILERO_SAMPLE_RATE)), []);
    this.#state = tensors.float32(new Float32Array(SILERO_STATE_SIZE), [2, 1, 128]);
  }

  /**
   * Wraps a session after checking it is a Silero v5/v6 model and running one silent frame through it.
   * Throws a {@link VadError} `model_invalid` otherwise (the session is released).
   */
  static async create<T extends SileroTensor>(
    session: SileroSession<T>,
    tensors: SileroTensorFactory<T>,
  ): Promise<SileroVad<T>> {
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
    const vad = new SileroVad(session, tensors);
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
    input.set(frame, SILERO_CONTEXT_SAMPLES);
    const out = await this.#session.run({ input: this.#inputTensor, state: this.#state, sr: this.#sr });
    const p = out.output?.data;
    const next = out.stateN;
    // ArrayBuffer.isView rather than instanceof: a native backend may hand out another realm's arrays.
    if (!ArrayBuffer.isView(p) || !(p as Float32Array).length || next === undefined) {
      throw new VadError('model_invalid', 'the model returned no output or no state');
    }
    this.#state = next as T;
    // The context of the next frame is the tail of this one.
    input.copyWithin(0, SILERO_FRAME_SAMPLES, SILERO_FRAME_SAMPLES + SILERO_CONTEXT_SAMPLES);
    return (p as Float32Array)[0] ?? Number.NaN;
  }

  /** Forgets the recurrent state and the context (a new stream, or after a gap in the audio). */
  reset(): void {
    this.#state = this.#tensors.float32(new Float32Array(SILERO_STATE_SIZE), [2, 1, 128]);
    this.#input.fill(0, 0, SILERO_CONTEXT_SAMPLES);
  }

  /** A copy of the state and context, to continue on another session (a backend switch). */
  exportState(): SileroState {
    const data = this.#state.data;
    const state = ArrayBuffer.isView(data)
      ? Float32Array.from(data as Float32Array)
      : new Float32Array(SILERO_STATE_SIZE);
    return { state, context: this.#input.slice(0, SILERO_CONTEXT_SAMPLES) };
  }

  /** Continues from a state exported by another instance. */
  importState(s: SileroState): void {
    this.#state = this.#tensors.float32(Float32Array.from(s.state), [2, 1, 128]);
    this.#input.set(s.context.subarray(0, SILERO_CONTEXT_SAMPLES), 0);
  }

  /** Releases the session; further `process()` calls reject. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#session.release();
  }
}
