/**
 * What the VAD loop needs from a runtime: a model on a backend, a warm wasm fallback, and a way to make a
 * new wasm model. The real one is onnxruntime-web in the worker (`ort-runtime.ts`); unit tests use
 * onnxruntime-node behind the same interfaces.
 */
import type { AdapterFacts, VadBackend } from './backend.ts';
import type { VadModel } from './silero.ts';
import type { TurnModel } from './turn/turn-gate.ts';

/** A loaded model on one backend. */
export interface ModelHandle {
  readonly backend: VadBackend;
  readonly model: VadModel;
  /** Resolves with a reason when the backend is lost (WebGPU device lost); never for wasm. */
  readonly lost: Promise<string> | null;
  /** Destroys the GPU device as if it were lost (tests); no-op on wasm. */
  loseDevice(): void;
  /** Releases the session (and the GPU device). */
  release(): Promise<void>;
}

/** The result of loading: the model on its chosen backend, the warm wasm fallback, and why. */
export interface LoadedModels {
  readonly primary: ModelHandle;
  /** A wasm model kept ready when the primary runs on WebGPU. */
  readonly fallback: ModelHandle | null;
  readonly reason: string;
  readonly adapter: AdapterFacts | null;
  readonly benchmark: { readonly webgpuMs: number; readonly wasmMs: number } | null;
  readonly fromCache: boolean;
  readonly loadMs: number;
  /** A WebGPU start-up failure that wasm covered (reported as a recoverable `backend_lost`), or null. */
  readonly webgpuFailure: string | null;
}

/** What the engine needs from a runtime: loading, and a fresh wasm model for a fallback. */
export interface VadRuntime {
  load(): Promise<LoadedModels>;
  createWasm(): Promise<ModelHandle>;
  /**
   * The end-of-turn model on wasm, on the same ORT instance (after `load()`), warmed up once. Rejects with
   * a `VadError` `turn_model_failed`. Absent: no end-of-turn model (silence rule).
   */
  loadTurnModel?(url: string): Promise<LoadedTurnModel>;
}

/** A loaded end-of-turn model. */
export interface LoadedTurnModel {
  readonly model: TurnModel;
  readonly fromCache: boolean;
  readonly loadMs: number;
}
