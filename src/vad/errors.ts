/** Every code of a {@link VadError}. */
export type VadErrorCode =
  /** The model file could not be fetched (network error, HTTP error) and no cached copy exists. Fatal. */
  | 'model_load_failed'
  /** onnxruntime-web's WebAssembly binary could not be loaded (`wasmUrl` / `webgpuWasmUrl`). Fatal. */
  | 'runtime_load_failed'
  /** The model file was fetched but is not a Silero v5/v6 ONNX model (corrupt, truncated, wrong model). Fatal. */
  | 'model_invalid'
  /**
   * The WebGPU backend failed (device lost, a run failed, the session could not be created). Recoverable:
   * the VAD has switched to wasm and goes on from the frame it was at.
   */
  | 'backend_lost'
  /**
   * The worker died (uncaught error, out of memory, terminated). Recoverable once: a new worker is started
   * on wasm and resumes from the last processed frame (the capture ring keeps the audio meanwhile). Fatal when
   * it happens again or `restartOnCrash` is false.
   */
  | 'worker_crashed'
  /** Audio was lost before the VAD read it (the ring overwrote it, or positions jumped). Recoverable. */
  | 'audio_dropped'
  /**
   * The VAD was more than `skipAfterMs` behind the newest audio and dropped to the present (its state reset,
   * a turn in progress kept open). The skipped audio is still in the capture ring. Recoverable.
   */
  | 'skipped_ahead'
  /** The VAD is more than `maxLagMs` behind the newest captured audio. Recoverable; reported once per episode. */
  | 'falling_behind'
  /** The frame source cannot be used (wrong sample rate, not a ring, source already attached). */
  | 'invalid_source'
  /**
   * The end-of-turn model (Smart Turn) could not be loaded or failed a prediction. Recoverable: turns end on
   * silence (`endpointer.silenceMs`) from then on.
   */
  | 'turn_model_failed'
  /** The VAD was closed. */
  | 'closed'
  /** Anything else; `cause` holds the original. */
  | 'internal';

/**
 * The error of the VAD subsystem. `name` is a literal so it survives minification; `code` is stable and
 * meant for programs; `recoverable` says whether the VAD goes on by itself; `cause` keeps the original.
 */
export class VadError extends Error {
  override readonly name = 'VadError';
  readonly code: VadErrorCode;
  /** True when the VAD carries on by itself (fallback, restart, resynchronisation). */
  readonly recoverable: boolean;

  constructor(code: VadErrorCode, message: string, options?: { cause?: unknown; recoverable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.recoverable = options?.recoverable ?? false;
  }
}

/** Type guard that also narrows on a code. */
export function isVadError(e: unknown, code?: VadErrorCode): e is VadError {
  return e instanceof VadError && (code === undefined || e.code === code);
}

/** A {@link VadError} as it crosses a thread boundary (structured clone drops the class). */
export interface VadErrorData {
  readonly code: VadErrorCode;
  readonly message: string;
  readonly recoverable: boolean;
  /** `String(cause)` of the original, if any. */
  readonly cause?: string;
}

/** Flattens an error for `postMessage`. */
export function toVadErrorData(e: VadError): VadErrorData {
  return {
    code: e.code,
    message: e.message,
    recoverable: e.recoverable,
    ...(e.cause === undefined ? {} : { cause: describeCause(e.cause) }),
  };
}

/** Rebuilds a {@link VadError} on the receiving side. */
export function fromVadErrorData(d: VadErrorData): VadError {
  return new VadError(d.code, d.message, {
    recoverable: d.recoverable,
    ...(d.cause === undefined ? {} : { cause: d.cause }),
  });
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
