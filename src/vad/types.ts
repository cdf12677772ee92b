/**
 * Public types of the VAD (options, sources, stats, events) and the messages between the client and its
 * worker (unions keyed on `type`).
 */
import type { AdapterFacts, VadBackend, VadBackendPreference } from './backend.ts';
import type { EndpointerOptions } from './endpointer-options.ts';
import type { EndpointerEvent, EndpointerEventMap } from './events.ts';
import type { VadError, VadErrorData } from './errors.ts';
import type { TurnModelReady, TurnModelVerdict } from './turn/events.ts';
import type { TurnDetectorOptions, TurnWorkerConfig } from './turn/turn-config.ts';

/**
 * Where the assets come from. Every URL may point at your own server (self-hosting) or a CDN; the defaults
 * are the copies Vite emits from `node_modules` (`@ricky0123/vad-web`'s `silero_vad_v5.onnx`, onnxruntime-web's
 * `.wasm` binaries and our worker), so a Vite app needs no configuration.
 */
export interface VadAssetUrls {
  /** Silero v5 or v6 ONNX model (2.3 MB). Default: `silero_vad_v5.onnx` from `@ricky0123/vad-web`, as an asset. */
  modelUrl?: string;
  /** onnxruntime-web's `ort-wasm-simd-threaded.wasm` (the wasm-only build, 14 MB). Default: the asset. */
  wasmUrl?: string;
  /**
   * onnxruntime-web's `ort-wasm-simd-threaded.asyncify.wasm` (the WebGPU build, 27 MB): fetched only when a
   * hardware WebGPU adapter is considered. Default: the asset.
   */
  webgpuWasmUrl?: string;
  /** The VAD worker script (module worker). Default: `vad-worker.ts` as built by Vite. */
  workerUrl?: string | URL;
}

/** Options of {@link VadClient}. Every one is optional. */
export interface VadOptions extends VadAssetUrls {
  /** Backend policy (see `backend.ts`). Default `'auto'`: WebGPU only on real hardware and when faster. */
  backend?: VadBackendPreference;
  /** Accept a software/fallback WebGPU adapter when `backend: 'webgpu'` (tests only). Default `false`. */
  allowSoftwareAdapter?: boolean;
  /** Frames timed per backend in the WebGPU start-up benchmark (after 3 warm-up frames). Default `24`. */
  benchmarkFrames?: number;
  /**
   * Endpointing thresholds (`silenceMs`, `minSpeechFrames`, …) with the endpointer's defaults, except
   * `minSpeechFrames`, which defaults to `1` here (Silero rejects clicks itself; see
   * `VAD_ENDPOINTER_DEFAULTS`). `sampleRate`/`frameSamples`/`hopSamples` are fixed (16000 Hz, 512-sample
   * frames every 256 samples: a probability every 16 ms).
   */
  endpointer?: Omit<EndpointerOptions, 'sampleRate' | 'frameSamples' | 'hopSamples'>;
  /**
   * Cache Storage name used to keep the model for offline use (network first, the cached copy when the
   * network fails). `false` disables it. Default `'sotto-vad-v1'`.
   */
  modelCache?: string | false;
  /**
   * End-of-turn detection: `{ detector: 'smart-turn' }` asks Smart Turn v3.2 at each pause (see
   * {@link TurnDetectorOptions}; `endpointer.silenceMs` is then the first question, `ceilingMs` the silence
   * that ends a turn regardless). Default `{ detector: 'silence' }`: silence alone ends a turn.
   */
  turn?: TurnDetectorOptions;
  /** Emit a `frame` event per frame (probability, timing). Costs one message per 16 ms. Default `false`. */
  frameEvents?: boolean;
  /** Period of `stats` events, in milliseconds; `0` disables them. Default `1000`. */
  statsIntervalMs?: number;
  /** Backlog (newest captured sample minus next frame to run) that raises `falling_behind`, in ms. Default `500`. */
  maxLagMs?: number;
  /**
   * Backlog at which a VAD reading the capture ring drops to the present instead of working through stale
   * audio (`skipped_ahead`; the ring keeps the audio, a turn in progress stays open), in ms. At start-up,
   * the audio kept while the model loaded is worked through unless the backlog grows by this much. Default
   * `1000`; `0` never skips.
   */
  skipAfterMs?: number;
  /** Inferences run on quiet noise before `ready` (JIT and buffers warm; the state is reset after). Default `32`. */
  warmupFrames?: number;
  /** Restart the worker once on wasm when it crashes. Default `true`. */
  restartOnCrash?: boolean;
  /**
   * Audio kept by the client for the `port` and `push` sources, in seconds, so that a restarted worker can
   * go on from where the old one stopped. Default `10`. (A `ring` source keeps its own history.)
   */
  historySeconds?: number;
}

/**
 * Where the frames come from (16 kHz mono Float32). Every source carries absolute sample positions, and
 * AudioContext times when the producer knows them.
 * - `ring`: the capture ring (`src/audio/ring-buffer.ts`) on a SharedArrayBuffer; the worker reads it
 *   directly (no main-thread hop). Needs cross-origin isolation.
 * - `port`: for pages that are not cross-origin isolated: the producer (e.g. the capture worklet) posts
 *   {@link PortMessage}s (or the capture worklet's own `{ type: 'chunk' }` batches, taken as contiguous) on
 *   the port `start()` returns.
 * - `push`: the app calls {@link VadClient.push} (tests, files, custom pipelines).
 */
export type VadSource =
  | {
      readonly type: 'ring';
      /** Storage from `createRingStorage({ sampleRate: 16000 })`. */
      readonly storage: SharedArrayBuffer;
      /**
       * First position to analyse: `'now'` (the newest sample, default), `'oldest'` (everything still held),
       * or an absolute position (clamped to what is held).
       */
      readonly startAt?: 'now' | 'oldest' | number;
    }
  | { readonly type: 'port' }
  | { readonly type: 'push' };

/** A block of samples on the `port` source (and in `push`). Transfer `samples`. */
export interface SampleChunk {
  readonly type: 'samples';
  /** 16 kHz mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  /** Absolute position of `samples[0]`; a jump forwards is a gap (reported as `audio_dropped`). */
  readonly position: number;
  /** AudioContext time of `samples[0]`, in seconds, or NaN when unknown. */
  readonly time: number;
}

/** End of the stream on the `port` source: the current turn is flushed. */
export interface EndOfStream {
  readonly type: 'end';
}

/** Messages a producer may post on the `port` source. */
export type PortMessage = SampleChunk | EndOfStream;

/** Inference time distribution, in milliseconds. */
export interface TimingSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** Counters of the VAD, in the `stats` event and from {@link VadClient.stats}. */
export interface VadStats {
  readonly backend: VadBackend;
  /** Frames analysed since start (one every 16 ms of audio). */
  readonly frames: number;
  /** Absolute position one past the last analysed sample. */
  readonly position: number;
  /** Samples captured but not analysed yet. */
  readonly behindSamples: number;
  /** Largest backlog seen, in samples. */
  readonly maxBehindSamples: number;
  /** Samples lost before analysis (ring overwrites, position gaps). */
  readonly droppedSamples: number;
  /** Inference time (one model run per frame) over the last 512 frames. */
  readonly inference: TimingSummary;
  /** Times the VAD skipped stale audio to catch up, and the samples it left unanalysed (still in the ring). */
  readonly skips?: number;
  readonly skippedSamples?: number;
}

/** Payload of the `live` event: the VAD keeps up with real time (its backlog is under half of `skipAfterMs`). */
export interface VadLiveInfo {
  /** Backlog when it went live, in ms. */
  readonly behindMs: number;
  /** Absolute position of the next frame to analyse. */
  readonly position: number;
  /** Whether it got there by skipping stale audio (else by working through the start-up backlog). */
  readonly skipped: boolean;
  /** 1 for the first worker, 2 after a crash restart. */
  readonly generation: number;
}

/** Payload of the `ready` event. */
export interface VadReadyInfo {
  readonly backend: VadBackend;
  /** Why this backend (policy decision, benchmark numbers, refusal of a software adapter). */
  readonly reason: string;
  /** The WebGPU adapter considered, if any. */
  readonly adapter: AdapterFacts | null;
  /** This worker's start to model ready (script, ORT, fetch, session, warm-up), in ms, measured by the client. */
  readonly initMs: number;
  /** Inside the worker: model fetch, session creation (both backends when benchmarked), in milliseconds. */
  readonly loadMs: number;
  /** Whether the model came from the Cache Storage copy (network failed). */
  readonly fromCache: boolean;
  /** Warm-up inferences run before `ready` (compiles the model's hot paths), in ms; absent when none ran. */
  readonly warmupMs?: number;
  /** Start-up benchmark, when one ran. */
  readonly benchmark: { readonly webgpuMs: number; readonly wasmMs: number } | null;
  /** 1 for the first worker, 2 after a crash restart. */
  readonly generation: number;
}

/**
 * Payload of the `frame` event (only with `frameEvents: true`): one every 16 ms, for a 32 ms frame (frames
 * overlap by half).
 */
export interface VadFrame {
  /** Absolute position of the frame's first sample (16 kHz); the frame is 512 samples long. */
  readonly position: number;
  /** AudioContext time of that sample (s); `position / 16000` when the source has no clock. */
  readonly time: number;
  /** Speech probability, 0–1. */
  readonly probability: number;
  /**
   * Level of the frame's newest 16 ms above the noise floor, in dB: its second-loudest 4 ms block (a click
   * does not count) minus the floor of the silent frames before it. A barge-in hint before Silero's.
   */
  readonly riseDb: number;
  /** Inference time of this frame, in ms. */
  readonly inferenceMs: number;
  /** When the frame was analysed, as the source's clock time of its newest sample (s); NaN without a clock. */
  readonly analysedAt: number;
}

/** Payload of the `backend` event: the backend changed at run time (fallback). */
export interface VadBackendChange {
  readonly backend: VadBackend;
  readonly reason: string;
}

/** Lifecycle of a {@link VadClient}. */
export type VadStatus = 'loading' | 'running' | 'recovering' | 'failed' | 'closed';

/** Event name -> payload of {@link VadClient}: the endpointer's events plus the VAD's own. */
export interface VadClientEvents extends EndpointerEventMap {
  /** The model is loaded and the backend chosen; frames are analysed from now on. */
  ready: VadReadyInfo;
  /**
   * The VAD keeps up with real time: after start-up (the audio kept while the model loaded worked through,
   * or skipped) and again after each skip. A session is ready for the user only from the first one.
   */
  live: VadLiveInfo;
  /** One analysed frame (only with `frameEvents: true`). */
  frame: VadFrame;
  /** Periodic counters (every `statsIntervalMs`). */
  stats: VadStats;
  /** The backend changed at run time (WebGPU lost -> wasm). */
  backend: VadBackendChange;
  /** Lifecycle changes. */
  status: VadStatus;
  /** Problems, typed; `recoverable` says whether the VAD goes on by itself. Never thrown. */
  error: VadError;
  /** The end-of-turn model's answer at a pause (`turn.detector: 'smart-turn'`). */
  turn_model: TurnModelVerdict;
  /** The end-of-turn model loaded (`ok`) or not (then an `error` `turn_model_failed` too). */
  turn_model_ready: TurnModelReady;
}

// ---- Worker protocol -----------------------------------------------------------------------------------

/** Everything the worker needs to start; plain data (structured clone). */
export interface VadWorkerConfig {
  readonly modelUrl: string;
  readonly wasmUrl: string;
  readonly webgpuWasmUrl: string;
  readonly backend: VadBackendPreference;
  readonly allowSoftwareAdapter: boolean;
  readonly benchmarkFrames: number;
  readonly endpointer: EndpointerOptions;
  readonly modelCache: string | false;
  readonly frameEvents: boolean;
  readonly statsIntervalMs: number;
  readonly maxLagMs: number;
  /** See {@link VadOptions.skipAfterMs}; absent: never skips. */
  readonly skipAfterMs?: number;
  /** See {@link VadOptions.warmupFrames}; absent: none. */
  readonly warmupFrames?: number;
  /** The end-of-turn model; `null`: silence alone ends turns. */
  readonly turn: TurnWorkerConfig | null;
  readonly generation: number;
  /** 8 bytes: the worker stores the next position to analyse (Float64) after every frame, for crash recovery. */
  readonly progress: SharedArrayBuffer | null;
}

/** Where the worker reads frames from. */
export type WorkerSource =
  | { readonly type: 'ring'; readonly storage: SharedArrayBuffer; readonly startAt: 'now' | 'oldest' | number }
  /**
   * Chunks ({@link PortMessage}) arrive on `port` (the client forwards `port` and `push` sources). `backlog`
   * is what the client queued on the port before attaching (audio kept while the model loaded), in samples:
   * catching up on it is not "falling behind".
   */
  | { readonly type: 'push'; readonly port: MessagePort; readonly backlog: number };

/** Messages from the worker to the client (through one callback). */
export type VadWorkerEvent =
  | { readonly type: 'endpointer'; readonly event: EndpointerEvent }
  | ({ readonly type: 'frame' } & VadFrame)
  | { readonly type: 'stats'; readonly stats: VadStats }
  | ({ readonly type: 'live' } & Omit<VadLiveInfo, 'generation'>)
  | { readonly type: 'backend'; readonly change: VadBackendChange }
  | { readonly type: 'error'; readonly error: VadErrorData }
  | { readonly type: 'turn_model'; readonly verdict: TurnModelVerdict }
  | { readonly type: 'turn_model_ready'; readonly ready: TurnModelReady };

/** Faults a test can inject (only honoured when the worker was built for tests; see `simulate`). */
export type VadFault = 'crash' | 'backend_lost' | 'stall';

/** Outcome of a worker call that can fail with a {@link VadError} (errors cross threads as data). */
export type WorkerResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: VadErrorData };

/** The worker's API (comlink). */
export interface VadWorkerApi {
  /** Loads ORT and the model, chooses the backend. */
  init(
    config: VadWorkerConfig,
    onEvent: (e: VadWorkerEvent) => void,
  ): Promise<WorkerResult<Omit<VadReadyInfo, 'initMs'>>>;
  /** Starts analysing a source. */
  attach(source: WorkerSource): WorkerResult<null>;
  /** Closes the current turn (`turn_end` with reason `flush`, or `misfire`). */
  flush(): void;
  /** Forgets the endpointer and model state; the next frame starts a new stream. */
  reset(): void;
  /** Current counters. */
  stats(): VadStats;
  /** Injects a fault (tests). */
  simulate(fault: VadFault): void;
  /** Stops and releases the sessions. */
  dispose(): Promise<void>;
}
