/**
 * The VAD on the main thread: starts the worker, forwards audio when the source needs it, re-emits the
 * worker's events, and recovers from a crashed worker. All inference happens in the worker.
 */
import { proxy, transfer } from 'comlink';
import type { CaptureChunkMessage } from '../audio/capture-protocol.ts';
import { TypedEmitter } from '../events.ts';
import { DEFAULT_VAD_ASSETS } from './assets.ts';
import type { VadBackend } from './backend.ts';
import type { EndpointerEvent } from './events.ts';
import { fromVadErrorData, VadError } from './errors.ts';
import { SampleHistory } from './sample-history.ts';
import { SILERO_SAMPLE_RATE } from './silero.ts';
import { TurnRelay } from './turn-relay.ts';
import type {
  PortMessage,
  SampleChunk,
  VadClientEvents,
  VadFault,
  VadLiveInfo,
  VadOptions,
  VadReadyInfo,
  VadSource,
  VadStats,
  VadStatus,
  VadWorkerApi,
  VadWorkerConfig,
  VadWorkerEvent,
  WorkerResult,
} from './types.ts';
import { workerConfig, type SharedWorkerConfig } from './vad-config.ts';
import { Watchdog } from './watchdog.ts';
import { spawnGeneration, stopGeneration, type Generation } from './worker-generation.ts';

export { VAD_ENDPOINTER_DEFAULTS } from './vad-config.ts';

/**
 * Voice activity detection and turn endpointing in a Web Worker (Silero v5 on onnxruntime-web).
 *
 * ```ts
 * const vad = new VadClient({ endpointer: { silenceMs: 500 } });
 * vad.on('speech_start', (e) => …);
 * vad.on('turn_end', (e) => …); // e.startSample..e.endSample is the turn's audio in the ring
 * vad.on('error', (e) => console.warn(e.code, e.message));
 * vad.start({ type: 'ring', storage }); // the capture ring (SharedArrayBuffer, 16 kHz)
 * ```
 *
 * The constructor never throws for runtime problems (only a `RangeError` for a bad option): a missing or
 * corrupt model, a lost GPU, a crashed worker all arrive as `error` events with a {@link VadError} code, and
 * {@link ready} rejects when the VAD cannot start. Ownership: the client owns its worker and its ports;
 * `close()` ends them. It never stops or frees the ring or the producer of a `port` source.
 */
export class VadClient extends TypedEmitter<VadClientEvents> {
  readonly #options: VadOptions;
  readonly #config: SharedWorkerConfig;
  readonly #workerUrl: string | URL;
  readonly #progress: Float64Array | null;
  #status: VadStatus = 'loading';
  #gen: Generation | null = null;
  #source: VadSource | null = null;
  #portChannel: MessageChannel | null = null;
  /** Audio of `port`/`push` sources kept for replay after a worker restart. */
  #history: SampleHistory | null = null;
  readonly #turns = new TurnRelay();
  readonly #watchdog = new Watchdog((limit) => {
    const gen = this.#gen;
    if (gen && this.#status === 'running') this.#onCrash(gen, `no message for ${limit} ms`);
  });
  #backend: VadBackend | null = null;
  #readyInfo: VadReadyInfo | null = null;
  /** When the client was created (the worker asked to start), on the page's clock (`performance.now()`). */
  readonly startedAt = performance.now();
  #readyAt: number | null = null;
  #resolveReady!: (info: VadReadyInfo) => void;
  #rejectReady!: (e: VadError) => void;
  readonly #ready: Promise<VadReadyInfo>;
  #liveInfo: VadLiveInfo | null = null;
  readonly #liveWaiters = new Set<(info: VadLiveInfo | null) => void>();

  /** Starts the worker and loads the model. Throws a `RangeError` for an invalid endpointer option. */
  constructor(options: VadOptions = {}) {
    super();
    this.#options = options;
    this.#config = workerConfig(options);
    this.#workerUrl = options.workerUrl ?? DEFAULT_VAD_ASSETS.workerUrl;
    this.#progress =
      typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated
        ? new Float64Array(new SharedArrayBuffer(16))
        : null;
    this.#ready = new Promise<VadReadyInfo>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => undefined); // reported as an `error` event too; ready() is optional
    this.#spawn(1);
  }

  /** Lifecycle: `loading` -> `running` (-> `recovering` -> `running`) -> `closed`, or `failed`. */
  get status(): VadStatus {
    return this.#status;
  }

  /** The backend in use, or null before `ready`. */
  get backend(): VadBackend | null {
    return this.#backend;
  }

  /** When the VAD was first ready (loaded and warm), on the page's clock; null before. */
  get readyAt(): number | null {
    return this.#readyAt;
  }

  /** Resolves at the first `ready`; rejects with the {@link VadError} that stopped the VAD from starting. */
  ready(): Promise<VadReadyInfo> {
    return this.#ready;
  }

  /**
   * Resolves with the first `live` event (the VAD keeps up with real time: it has run its warm-up, and the
   * audio kept while it loaded is analysed or skipped), or null when the VAD fails or closes first.
   */
  live(): Promise<VadLiveInfo | null> {
    if (this.#liveInfo) return Promise.resolve(this.#liveInfo);
    if (this.#status === 'closed' || this.#status === 'failed') return Promise.resolve(null);
    return new Promise((resolve) => this.#liveWaiters.add(resolve));
  }

  /**
   * Starts analysing a source (once). Before `ready`, audio of `port`/`push` sources is kept (up to
   * `historySeconds`) and analysed as soon as the model is loaded; a `ring` keeps its own history.
   * For a `port` source, returns the port the producer posts {@link PortMessage}s on (transfer it to the
   * capture worklet); otherwise null.
   */
  start(source: { readonly type: 'port' }): MessagePort;
  start(source: VadSource): MessagePort | null;
  start(source: VadSource): MessagePort | null {
    if (this.#status === 'closed' || this.#status === 'failed') {
      throw new VadError('closed', `start() on a VAD that is ${this.#status}`);
    }
    if (this.#source) throw new VadError('invalid_source', 'a source is already attached');
    this.#source = source;
    let port: MessagePort | null = null;
    if (source.type !== 'ring') {
      this.#history = new SampleHistory(Math.round((this.#options.historySeconds ?? 10) * SILERO_SAMPLE_RATE));
    }
    if (source.type === 'port') {
      this.#portChannel = new MessageChannel();
      this.#portChannel.port2.onmessage = (m: MessageEvent<PortMessage | CaptureChunkMessage>) => {
        const d = m.data;
        if (d.type === 'samples') this.#ingest(d.samples, d.position, d.time);
        // The capture worklet's own batches (src/audio/capture-protocol.ts) carry no position: contiguous.
        else if (d.type === 'chunk') this.#ingest(d.samples, this.#history?.nextPosition ?? 0, d.time);
        else this.flush();
      };
      port = this.#portChannel.port1;
    }
    const gen = this.#gen;
    if (gen?.ready) void this.#attach(gen);
    return port;
  }

  /**
   * Adds 16 kHz mono samples to a `push` source (copied; `samples` stays yours). `position` defaults to
   * right after the previous push; `time` is the AudioContext time of `samples[0]` (NaN when unknown).
   */
  push(samples: Float32Array, position: number = this.#history?.nextPosition ?? 0, time = Number.NaN): void {
    if (this.#source?.type !== 'push') throw new VadError('invalid_source', 'push() needs start({ type: "push" })');
    this.#ingest(samples.slice(), position, time);
  }

  /** Closes the current turn now (`turn_end` with reason `flush`, or `misfire`): mic muted, file ended. */
  flush(): void {
    const gen = this.#gen;
    if (!gen?.attached) return;
    if (gen.data) gen.data.postMessage({ type: 'end' } satisfies PortMessage);
    else void gen.api.flush().catch(() => undefined);
  }

  /** Forgets the endpointer and model state (a new conversation); no event for a turn in progress. */
  reset(): void {
    void this.#gen?.api.reset().catch(() => undefined);
    this.#turns.forgetOpenTurn();
  }

  /** Current counters from the worker. */
  async stats(): Promise<VadStats> {
    const gen = this.#gen;
    if (!gen) throw new VadError('closed', 'the VAD is closed');
    return gen.api.stats();
  }

  /** @internal Injects a fault into the worker (tests of the recovery paths). */
  simulateFault(fault: VadFault): void {
    void this.#gen?.api.simulate(fault).catch(() => undefined);
  }

  /** Stops the worker and releases the model. Idempotent. Does not touch the ring or a port's producer. */
  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    const gen = this.#gen;
    this.#gen = null;
    this.#setStatus('closed');
    this.#watchdog.stop();
    this.#portChannel?.port2.close();
    if (!this.#readyInfo) this.#rejectReady(new VadError('closed', 'the VAD was closed before it was ready'));
    if (gen) await stopGeneration(gen);
  }

  #spawn(n: number): void {
    const gen: Generation = spawnGeneration(n, this.#workerUrl, (reason) => {
      this.#onCrash(gen, reason);
    });
    this.#gen = gen;
    this.#watchdog.heard();
    const config: VadWorkerConfig = {
      ...this.#config,
      backend: n === 1 ? (this.#options.backend ?? 'auto') : 'wasm',
      generation: n,
      progress: this.#progress ? (this.#progress.buffer as SharedArrayBuffer) : null,
    };
    const onEvent = (e: VadWorkerEvent): void => {
      if (this.#gen === gen) this.#onWorkerEvent(e);
    };
    void this.#init(gen, config, onEvent);
  }

  async #init(gen: Generation, config: VadWorkerConfig, onEvent: (e: VadWorkerEvent) => void): Promise<void> {
    let result: Awaited<ReturnType<VadWorkerApi['init']>>;
    try {
      result = await gen.api.init(config, proxy(onEvent));
    } catch (e) {
      result = {
        ok: false,
        error: { code: 'internal', message: `the VAD failed to start: ${String(e)}`, recoverable: false },
      };
    }
    if (this.#gen !== gen) return;
    if (!result.ok) {
      this.#fatal(fromVadErrorData(result.error));
      return;
    }
    gen.ready = true;
    const ready: VadReadyInfo = { ...result.value, initMs: performance.now() - gen.spawnedAt };
    this.#readyInfo = ready;
    this.#readyAt ??= performance.now();
    this.#backend = ready.backend;
    if (this.#source) await this.#attach(gen);
    if (this.#gen !== gen) return;
    this.#watchdog.start(this.#config.statsIntervalMs);
    this.#setStatus('running');
    this.emit('ready', ready);
    this.#resolveReady(ready);
  }

  async #attach(gen: Generation): Promise<void> {
    const source = this.#source;
    if (!source || gen.attached) return;
    gen.attached = true;
    let result: WorkerResult<null>;
    try {
      if (source.type === 'ring') {
        const startAt = gen.n === 1 ? (source.startAt ?? 'now') : this.#resumePosition();
        result = await gen.api.attach({ type: 'ring', storage: source.storage, startAt });
      } else {
        // The kept audio is queued on the port first (delivered as soon as the worker listens), so the
        // worker knows its backlog from the start.
        const channel = new MessageChannel();
        const backlog = this.#history?.replay(channel.port1, gen.n === 1 ? null : this.#resumePosition()) ?? 0;
        gen.data = channel.port1;
        result = await gen.api.attach(transfer({ type: 'push', port: channel.port2, backlog }, [channel.port2]));
      }
    } catch (e) {
      result = {
        ok: false,
        error: { code: 'invalid_source', message: `the source was refused: ${String(e)}`, recoverable: false },
      };
    }
    if (this.#gen !== gen) return;
    if (!result.ok) this.#fatal(fromVadErrorData(result.error));
  }

  #ingest(samples: Float32Array, position: number, time: number): void {
    const history = this.#history;
    if (!history || this.#status === 'closed' || this.#status === 'failed') return;
    const fresh = history.add(samples, position, time);
    const gen = this.#gen;
    if (!fresh || !gen?.data) return;
    const s = fresh.samples;
    const copy = s.byteOffset === 0 && s.length * 4 === s.buffer.byteLength ? s : s.slice();
    const chunk: SampleChunk = { ...fresh, samples: copy };
    gen.data.postMessage(chunk, [copy.buffer]);
  }

  #onWorkerEvent(e: VadWorkerEvent): void {
    this.#watchdog.heard();
    switch (e.type) {
      case 'endpointer':
        this.#onEndpointer(e.event);
        return;
      case 'frame': {
        this.#turns.frame(e.position, e.time);
        const { type: _type, ...frame } = e;
        this.emit('frame', frame);
        return;
      }
      case 'stats':
        this.#turns.progress(e.stats.position);
        this.emit('stats', e.stats);
        return;
      case 'live': {
        const { type: _type, ...rest } = e;
        const info: VadLiveInfo = { ...rest, generation: this.#gen?.n ?? 1 };
        this.#liveInfo ??= info;
        this.#settleLive(info);
        this.emit('live', info);
        return;
      }
      case 'backend':
        this.#backend = e.change.backend;
        this.emit('backend', e.change);
        return;
      case 'error':
        this.emit('error', fromVadErrorData(e.error));
        return;
      case 'turn_model':
        this.emit('turn_model', e.verdict);
        return;
      case 'turn_model_ready':
        this.emit('turn_model_ready', e.ready);
        return;
    }
  }

  #onEndpointer(raw: EndpointerEvent): void {
    const ev = this.#turns.relay(raw);
    // One emit per member of the union keeps the payload type exact.
    switch (ev.type) {
      case 'speech_start':
        this.emit('speech_start', ev);
        break;
      case 'turn_ending':
        this.emit('turn_ending', ev);
        break;
      case 'turn_resumed':
        this.emit('turn_resumed', ev);
        break;
      case 'turn_end':
        this.emit('turn_end', ev);
        break;
      case 'misfire':
        this.emit('misfire', ev);
        break;
    }
  }

  /** Where a restarted worker goes on: the next frame the dead one would have analysed. */
  #resumePosition(): number {
    const p = this.#progress;
    const last = this.#turns.lastPosition;
    return p ? Math.max(p[0] ?? 0, last) : last;
  }

  #onCrash(gen: Generation, message: string): void {
    if (this.#gen !== gen || this.#status === 'closed' || this.#status === 'failed') return;
    this.#gen = null;
    gen.worker.terminate();
    gen.data?.close();
    this.#watchdog.stop();
    const closing = this.#turns.closeOpenTurn(this.#progress);
    if (closing) this.emit('turn_end', closing);
    const restart = (this.#options.restartOnCrash ?? true) && gen.n === 1;
    const error = new VadError(
      'worker_crashed',
      restart ? `the VAD worker crashed (${message}); restarting it on wasm` : `the VAD worker crashed (${message})`,
      { recoverable: restart },
    );
    this.emit('error', error);
    if (!restart) {
      this.#fail(error);
      return;
    }
    this.#turns.nextGeneration();
    this.#setStatus('recovering');
    this.#spawn(gen.n + 1);
  }

  #fatal(error: VadError): void {
    this.emit('error', error);
    this.#fail(error);
  }

  #fail(error: VadError): void {
    const gen = this.#gen;
    this.#gen = null;
    this.#setStatus('failed');
    if (!this.#readyInfo) this.#rejectReady(error);
    if (gen) void stopGeneration(gen);
  }

  #settleLive(info: VadLiveInfo | null): void {
    for (const w of this.#liveWaiters) w(info);
    this.#liveWaiters.clear();
  }

  #setStatus(s: VadStatus): void {
    if (this.#status === s) return;
    this.#status = s;
    if (s === 'closed' || s === 'failed') this.#settleLive(null);
    this.emit('status', s);
  }
}
