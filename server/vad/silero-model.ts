/**
 * Silero VAD v5 in onnxruntime-node, using the model file that ships inside
 * `@livekit/agents-plugin-silero` (no download at run time). One window of 512 samples at 16 kHz
 * (32 ms) per call, with the 64-sample context and the recurrent state carried between calls.
 * onnxruntime-node is imported on first use: a session without server VAD never loads it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

export interface SpeechModel {
  readonly sampleRate: number;
  readonly windowSamples: number;
  /** Speech probability of one window (exactly `windowSamples` floats in [-1, 1]). */
  run(window: Float32Array): Promise<number>;
  reset(): void;
}

/** Path of the Silero ONNX file inside the plugin package. */
export function sileroModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@livekit/agents-plugin-silero')), 'silero_vad.onnx');
}

type TensorClass = typeof Tensor;

interface LoadedSession {
  session: InferenceSession;
  Tensor: TensorClass;
}

let sessionPromise: Promise<LoadedSession> | null = null;

/** Loads the runtime and the model once per process (one CPU thread, sequential: the VAD of one room is tiny). */
export function loadSileroSession(): Promise<LoadedSession> {
  sessionPromise ??= import('onnxruntime-node').then(async (ort) => ({
    session: await ort.InferenceSession.create(sileroModelPath(), {
      interOpNumThreads: 1,
      intraOpNumThreads: 1,
      executionMode: 'sequential',
      executionProviders: ['cpu'],
    }),
    Tensor: ort.Tensor,
  }));
  return sessionPromise;
}

export class SileroModel implements SpeechModel {
  readonly sampleRate = 16_000;
  readonly windowSamples = 512;
  readonly #session: InferenceSession;
  readonly #contextSize = 64;
  readonly #input = new Float32Array(64 + 512);
  #state = new Float32Array(2 * 128);
  readonly #sr = new BigInt64Array([16_000n]);
  readonly #Tensor: TensorClass;

  constructor(loaded: LoadedSession) {
    this.#session = loaded.session;
    this.#Tensor = loaded.Tensor;
  }

  static async load(): Promise<SileroModel> {
    return new SileroModel(await loadSileroSession());
  }

  async run(window: Float32Array): Promise<number> {
    this.#input.set(window.subarray(0, this.windowSamples), this.#contextSize);
    const T = this.#Tensor;
    const out = await this.#session.run({
      input: new T('float32', this.#input.slice(), [1, this.#input.length]),
      state: new T('float32', this.#state, [2, 1, 128]),
      sr: new T('int64', this.#sr),
    });
    this.#state = new Float32Array(out.stateN?.data as Float32Array);
    // Context for the next window: the last 64 samples of this one.
    this.#input.copyWithin(0, this.#input.length - this.#contextSize);
    const p = (out.output?.data as Float32Array | undefined)?.[0];
    return typeof p === 'number' ? p : 0;
  }

  reset(): void {
    this.#input.fill(0);
    this.#state = new Float32Array(2 * 128);
  }
}
