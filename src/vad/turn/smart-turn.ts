/**
 * Smart Turn v3.2 (Pipecat, BSD-2-Clause): the probability that the speaker has finished their turn, from
 * the last 8 s of 16 kHz audio. Front end {@link WhisperFeatures} (log-mel, as the reference computes it),
 * then the model (`input_features` `[1, 80, 800]` -> sigmoid probability).
 *
 * Runtime-neutral: give it an onnxruntime session and a tensor factory. onnxruntime-web (in the VAD worker,
 * on the same ORT instance as Silero; or on a page, e.g. the turn bench) and onnxruntime-node (unit tests)
 * both fit:
 *
 * ```ts
 * const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
 * const turn = new SmartTurn(session, (data, dims) => new ort.Tensor('float32', data, dims));
 * const p = await turn.predict(audio16k); // 0–1, >= 0.5: the turn is complete
 * ```
 */
import type { SileroSession, SileroTensor } from '../silero.ts';
import { N_FRAMES, N_MELS, WhisperFeatures } from './whisper-features.ts';

/** The reference's decision threshold (`probability > 0.5` is "complete"). */
export const SMART_TURN_THRESHOLD = 0.5;

/** Makes a float32 tensor over `data` (not copied). */
export type Float32TensorFactory<T extends SileroTensor> = (data: Float32Array, dims: readonly number[]) => T;

/** Timing of the last {@link SmartTurn.predict}, in milliseconds. */
export interface SmartTurnTiming {
  readonly featuresMs: number;
  readonly modelMs: number;
}

/** One Smart Turn model. Not re-entrant: one `predict()` at a time (calls are queued). */
export class SmartTurn<T extends SileroTensor> {
  readonly #session: SileroSession<T>;
  readonly #features = new WhisperFeatures();
  readonly #input = new Float32Array(N_MELS * N_FRAMES);
  readonly #tensor: T;
  readonly #inputName: string;
  readonly #outputName: string;
  #queue: Promise<unknown> = Promise.resolve();
  #timing: SmartTurnTiming = { featuresMs: 0, modelMs: 0 };

  constructor(session: SileroSession<T>, float32: Float32TensorFactory<T>) {
    this.#session = session;
    this.#tensor = float32(this.#input, [1, N_MELS, N_FRAMES]);
    this.#inputName = session.inputNames.includes('input_features') ? 'input_features' : (session.inputNames[0] ?? '');
    const out = session.outputNames[0];
    if (!this.#inputName || out === undefined) throw new Error('the Smart Turn model has no input or output');
    this.#outputName = out;
  }

  /** Timing of the last prediction. */
  get timing(): SmartTurnTiming {
    return this.#timing;
  }

  /**
   * End-of-turn probability of `audio16k` (16 kHz mono, -1..1; only the last 8 s are used, shorter input is
   * zero-padded at the start). The audio should run up to the moment of the question, trailing silence
   * included, as Pipecat feeds it.
   */
  predict(audio16k: Float32Array): Promise<number> {
    const run = this.#queue.then(() => this.#predict(audio16k));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  release(): Promise<void> {
    return this.#session.release();
  }

  async #predict(audio: Float32Array): Promise<number> {
    const t0 = performance.now();
    this.#input.set(this.#features.compute(audio));
    const t1 = performance.now();
    const out = await this.#session.run({ [this.#inputName]: this.#tensor });
    const data = out[this.#outputName]?.data;
    const p = data instanceof Float32Array ? data[0] : undefined;
    if (p === undefined || !Number.isFinite(p)) throw new Error('the Smart Turn model returned no probability');
    this.#timing = { featuresMs: t1 - t0, modelMs: performance.now() - t1 };
    return p;
  }
}
