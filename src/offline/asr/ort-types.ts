/**
 * The few onnxruntime calls the recogniser makes, as a structural interface: onnxruntime-web (worker)
 * and onnxruntime-node (server, unit tests) both fit it through a three-line adapter, even when their
 * `onnxruntime-common` versions differ.
 */

export interface OrtTensorLike {
  readonly dims: readonly number[];
  readonly data: unknown;
}

export interface OrtInputMeta {
  readonly name: string;
  readonly isTensor: boolean;
  readonly shape?: readonly (number | string)[];
}

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly inputMetadata: readonly OrtInputMeta[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike | undefined>>;
  release(): Promise<void>;
}

/** Creates sessions and tensors of one onnxruntime build. */
export interface OrtBackend {
  /** A session for the model bytes (CPU / wasm, one thread). */
  createSession(model: Uint8Array): Promise<OrtSessionLike>;
  float32(data: Float32Array, dims: readonly number[]): OrtTensorLike;
  int64(data: BigInt64Array, dims: readonly number[]): OrtTensorLike;
}

/** The part of an onnxruntime module (`onnxruntime-web/wasm`, `onnxruntime-node`) the adapter uses. */
export interface OrtModuleLike {
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => unknown;
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<unknown> };
}

/** CPU (wasm), one thread, sequential: the options every recogniser session gets. */
export const SESSION_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({
  executionProviders: ['cpu'],
  interOpNumThreads: 1,
  intraOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
});

/** An {@link OrtBackend} over an onnxruntime module. `executionProviders` defaults to `['cpu']`. */
export function ortBackend(ort: OrtModuleLike, options: Record<string, unknown> = {}): OrtBackend {
  const opts = { ...SESSION_OPTIONS, ...options };
  return {
    createSession: async (model) => (await ort.InferenceSession.create(model, opts)) as OrtSessionLike,
    float32: (data, dims) => new ort.Tensor('float32', data, dims) as OrtTensorLike,
    int64: (data, dims) => new ort.Tensor('int64', data, dims) as OrtTensorLike,
  };
}
