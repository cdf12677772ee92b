/**
 * The VAD loop that runs inside the worker: frames from a {@link FrameReader} -> Silero -> {@link Endpointer}
 * -> events. No worker globals (timers and `performance` only), so it is unit-tested in Node with
 * onnxruntime-node behind the same {@link VadRuntime} interface.
 */
import { CatchUp, type CatchUpDecision } from './catch-up.ts';
import { Endpointer } from './endpointer.ts';
import type { EndpointerEvent } from './events.ts';
import { toVadErrorData, VadError } from './errors.ts';
import { ChunkFrameReader, RingFrameReader, type FrameInfo, type FrameReader } from './frame-reader.ts';
import type { LoadedModels, ModelHandle, VadRuntime } from './runtime.ts';
import { SILERO_FRAME_SAMPLES, SILERO_HOP_SAMPLES, SILERO_SAMPLE_RATE } from './silero.ts';
import { TimingWindow } from './timing.ts';
import { warmUp } from './warm-up.ts';
import { gatedEndpointer, TurnGate } from './turn/turn-gate.ts';
import type {
  SampleChunk,
  VadFault,
  VadReadyInfo,
  VadStats,
  VadWorkerConfig,
  VadWorkerEvent,
  WorkerSource,
} from './types.ts';

/** Hops read in one go before yielding to the event loop (so messages are not starved). */
const HOPS_PER_SLICE = 64;

/**
 * One VAD stream. Lifecycle: `init()` once, `attach()` once, then frames flow until `dispose()`.
 * Events go to `emit`; nothing is thrown from the loop (a failure becomes an `error` event).
 *
 * The source is read in hops of {@link SILERO_HOP_SAMPLES}; each hop completes a frame of
 * {@link SILERO_FRAME_SAMPLES} with the hop before it (frames overlap by half: a probability every 16 ms),
 * which the model and the endpointer get. After a start, a reset or a gap, the first hop only fills half a
 * frame.
 */
export class VadEngine {
  readonly #runtime: VadRuntime;
  readonly #config: VadWorkerConfig;
  readonly #emit: (e: VadWorkerEvent) => void;
  readonly #fatal: (e: VadError) => void;
  readonly #endpointer: Endpointer;
  /** The end-of-turn policy (`config.turn`), or null for the silence rule. */
  readonly #gate: TurnGate | null;
  readonly #timing = new TimingWindow(512);
  readonly #frame = new Float32Array(SILERO_FRAME_SAMPLES);
  readonly #hop = new Float32Array(SILERO_HOP_SAMPLES);
  readonly #info: FrameInfo = { position: 0, time: 0, lost: 0 };
  /** Whether `#frame` holds the previous hop (its first half), and where and when that hop starts. */
  #half = false;
  #framePos = 0;
  #frameTime = 0;
  readonly #progress: Float64Array | null;
  readonly #maxLagSamples: number;
  #model: ModelHandle | null = null;
  #fallback: ModelHandle | null = null;
  #reader: FrameReader | null = null;
  #chunks: ChunkFrameReader | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #pumping = false;
  #disposed = false;
  #lagging = false;
  /** Backlog at attach time (audio kept while the model loaded), in samples, and hops read since. */
  #initialBehind = 0;
  #hopsAtAttach = 0;
  #caughtUp = false;
  #hops = 0;
  #frames = 0;
  #maxBehind = 0;
  #failNextRun = false;
  #switching: Promise<void> | null = null;
  #wasmRebuilds = 0;
  /** Drop-to-present policy (ring sources only: a pushed source is paced by its producer). */
  #catchUp: CatchUp | null = null;

  /**
   * @param emit receives every event
   * @param fatal called once when the loop cannot go on (a wasm session that keeps failing); the worker
   *   entry turns it into an uncaught error, which the client handles as a crash (restart once)
   */
  constructor(
    runtime: VadRuntime,
    config: VadWorkerConfig,
    emit: (e: VadWorkerEvent) => void,
    fatal: (e: VadError) => void,
  ) {
    this.#runtime = runtime;
    this.#config = config;
    this.#emit = emit;
    this.#fatal = fatal;
    const fixed = {
      sampleRate: SILERO_SAMPLE_RATE,
      frameSamples: SILERO_FRAME_SAMPLES,
      hopSamples: SILERO_HOP_SAMPLES,
    };
    const gated = gatedEndpointer({ ...config.endpointer, ...fixed }, config.turn);
    this.#endpointer = new Endpointer(gated.endpointer);
    this.#gate = config.turn
      ? new TurnGate(config.turn, gated.firstAskMs, SILERO_SAMPLE_RATE, emit, (reason) => this.#endpointer.end(reason))
      : null;
    this.#progress = config.progress ? new Float64Array(config.progress, 0, 2) : null;
    this.#maxLagSamples = (config.maxLagMs * SILERO_SAMPLE_RATE) / 1000;
  }

  /** Loads the model and chooses the backend. Rejects with a {@link VadError} on a fatal problem. */
  async init(): Promise<Omit<VadReadyInfo, 'initMs'>> {
    let loaded: LoadedModels;
    try {
      loaded = await this.#runtime.load();
    } catch (e) {
      throw e instanceof VadError ? e : new VadError('internal', `VAD start-up failed: ${String(e)}`, { cause: e });
    }
    if (this.#disposed) {
      await loaded.primary.release();
      await loaded.fallback?.release();
      throw new VadError('closed', 'the VAD was closed while loading');
    }
    this.#model = loaded.primary;
    this.#fallback = loaded.fallback;
    this.#watchLoss(loaded.primary);
    // Compile the hot paths and size the session's buffers before `ready`, not on the user's first words.
    const frames = this.#config.warmupFrames ?? 0;
    const warmupMs = frames > 0 ? await warmUp(loaded.primary.model, frames) : undefined;
    if (loaded.webgpuFailure !== null) {
      const error = new VadError(
        'backend_lost',
        `WebGPU failed at start-up; running on wasm: ${loaded.webgpuFailure}`,
        {
          recoverable: true,
        },
      );
      this.#emit({ type: 'error', error: toVadErrorData(error) });
    }
    if (this.#gate && this.#config.turn) await this.#gate.load(this.#runtime, this.#config.turn.modelUrl);
    if (this.#config.statsIntervalMs > 0) {
      this.#statsTimer = setInterval(() => {
        this.#emit({ type: 'stats', stats: this.stats() });
      }, this.#config.statsIntervalMs);
    }
    return {
      backend: loaded.primary.backend,
      reason: loaded.reason,
      adapter: loaded.adapter,
      loadMs: loaded.loadMs,
      fromCache: loaded.fromCache,
      benchmark: loaded.benchmark,
      generation: this.#config.generation,
      ...(warmupMs === undefined ? {} : { warmupMs }),
    };
  }

  /** Starts reading a source. Throws a {@link VadError} `invalid_source` for a bad one. */
  attach(source: WorkerSource): void {
    if (this.#reader) throw new VadError('invalid_source', 'a source is already attached');
    if (source.type === 'ring') {
      const reader = new RingFrameReader(source.storage, source.startAt);
      if (reader.sampleRate !== SILERO_SAMPLE_RATE) {
        throw new VadError(
          'invalid_source',
          `the ring runs at ${reader.sampleRate} Hz; the VAD needs ${SILERO_SAMPLE_RATE}`,
        );
      }
      this.#reader = reader;
      const skipAfterMs = this.#config.skipAfterMs ?? 0;
      if (skipAfterMs > 0) {
        const skipAfterSamples = (skipAfterMs * SILERO_SAMPLE_RATE) / 1000;
        this.#catchUp = new CatchUp({
          skipAfterSamples,
          keepSamples: Math.min(SILERO_FRAME_SAMPLES, Math.floor(skipAfterSamples / 2)),
        });
        this.#catchUp.attach(reader.behind());
      }
    } else {
      this.#chunks = new ChunkFrameReader(SILERO_SAMPLE_RATE, 30);
      this.#reader = this.#chunks;
    }
    this.#initialBehind = source.type === 'push' ? source.backlog : this.#reader.behind();
    this.#hopsAtAttach = this.#hops;
    this.#writeProgress();
    this.#schedule(0);
  }

  /** Adds samples to a `push` source. */
  push(chunk: SampleChunk): void {
    if (!this.#chunks) throw new VadError('invalid_source', 'push() needs a push source');
    this.#chunks.push(chunk);
    this.#schedule(0);
  }

  flush(): void {
    const ev = this.#endpointer.flush();
    if (ev) this.#emitEndpointer(ev);
  }

  reset(): void {
    this.#endpointer.reset();
    this.#gate?.reset();
    this.#model?.model.reset();
    this.#half = false;
  }

  stats(): VadStats {
    const reader = this.#reader;
    return {
      backend: this.#model?.backend ?? 'wasm',
      frames: this.#frames,
      position: reader?.position ?? 0,
      behindSamples: reader?.behind() ?? 0,
      maxBehindSamples: this.#maxBehind,
      droppedSamples: reader?.lostSamples ?? 0,
      inference: this.#timing.summary(),
      skips: this.#catchUp?.skips ?? 0,
      skippedSamples: this.#catchUp?.skippedSamples ?? 0,
    };
  }

  /** Injects a fault (tests): `backend_lost` loses the GPU device (or fails the next run on wasm); `stall` blocks 1.5 s. */
  simulate(fault: Exclude<VadFault, 'crash'>): void {
    if (fault === 'stall') {
      const until = performance.now() + 1500;
      while (performance.now() < until) {
        // Busy: the worker is stuck, as under a long GC pause or a slow device.
      }
      return;
    }
    if (this.#model?.backend === 'webgpu') this.#model.loseDevice();
    else this.#failNextRun = true;
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#statsTimer !== null) clearInterval(this.#statsTimer);
    const models = [this.#model, this.#fallback];
    await this.#gate?.dispose();
    this.#model = null;
    this.#fallback = null;
    await Promise.all(models.map((m) => (m ? m.release() : Promise.resolve())));
  }

  #schedule(delayMs: number): void {
    if (this.#disposed || this.#pumping || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#pump();
    }, delayMs);
  }

  async #pump(): Promise<void> {
    const reader = this.#reader;
    if (!reader || this.#pumping) return;
    this.#pumping = true;
    this.#catchUpCheck(reader);
    this.#checkLag(reader);
    let n = 0;
    try {
      while (!this.#disposed && this.#model && n < HOPS_PER_SLICE && reader.next(this.#hop, this.#info)) {
        n++;
        await this.#onHop(reader);
      }
    } catch (e) {
      this.#fail(e);
      return;
    } finally {
      this.#pumping = false;
    }
    if (this.#disposed) return;
    this.#checkLag(reader);
    if (n === HOPS_PER_SLICE) {
      this.#schedule(0);
    } else if (this.#reader instanceof RingFrameReader) {
      // Sleep until the next hop should be complete (+0.5 ms), polling the shared ring.
      this.#schedule((reader.missing(SILERO_HOP_SAMPLES) * 1000) / SILERO_SAMPLE_RATE + 0.5);
    }
    // A push source is woken by push().
  }

  /** One hop read: completes the frame that started with the previous hop, and analyses it. */
  async #onHop(reader: FrameReader): Promise<void> {
    const info = this.#info;
    this.#hops++;
    if (info.lost > 0) {
      this.#onGap(info.lost);
      // Lapped by the ring: drop to the present rather than restart a whole ring behind.
      if (this.#catchUp && reader instanceof RingFrameReader) {
        const d = this.#catchUp.check(reader.position, reader.newest(), true);
        if (d.action === 'skip') {
          this.#skip(reader, d.to, d.skipped, d.phase);
          return;
        }
      }
    }
    this.#gate?.hop(this.#hop, info.position);
    const frame = this.#frame;
    frame.copyWithin(0, SILERO_HOP_SAMPLES);
    frame.set(this.#hop, SILERO_FRAME_SAMPLES - SILERO_HOP_SAMPLES);
    const pos = this.#framePos;
    const time = this.#frameTime;
    const whole = this.#half;
    this.#half = true;
    this.#framePos = info.position;
    this.#frameTime = info.time;
    if (!whole) {
      this.#writeProgress();
      return;
    }
    const t0 = performance.now();
    const p = await this.#run();
    const dt = performance.now() - t0;
    this.#timing.add(dt);
    this.#frames++;
    const ev = this.#endpointer.process(p, pos, time, frame);
    this.#writeProgress();
    this.#catchUpCheck(reader);
    this.#checkLag(reader);
    if (this.#gate)
      this.#gate.frame(
        ev,
        pos + SILERO_FRAME_SAMPLES,
        time + SILERO_FRAME_SAMPLES / SILERO_SAMPLE_RATE,
        reader.behind(),
      );
    else if (ev) this.#emit({ type: 'endpointer', event: ev });
    if (this.#config.frameEvents) {
      this.#emit({
        type: 'frame',
        position: pos,
        time,
        probability: p,
        riseDb: this.#endpointer.riseDb,
        inferenceMs: dt,
        analysedAt: reader.newestTime(),
      });
    }
  }

  /** One inference; on a WebGPU failure, switches to wasm (carrying the state) and runs the frame again. */
  async #run(): Promise<number> {
    if (this.#switching) await this.#switching;
    const model = this.#model;
    if (!model) throw new VadError('closed', 'the VAD was closed');
    try {
      if (this.#failNextRun) {
        this.#failNextRun = false;
        throw new Error('simulated backend failure');
      }
      return await model.model.process(this.#frame);
    } catch (e) {
      if (this.#disposed) throw e;
      // A wasm session gets one rebuild; after that the failure is fatal.
      if (model.backend === 'wasm' && ++this.#wasmRebuilds > 1) throw e;
      await this.#switchToWasm(`${model.backend} run failed: ${String(e)}`, e);
      const next = this.#model;
      if (!next) throw e;
      return next.model.process(this.#frame);
    }
  }

  #watchLoss(handle: ModelHandle): void {
    void handle.lost?.then((reason) => {
      if (this.#model === handle && !this.#disposed) void this.#switchToWasm(reason, null);
    });
  }

  /** Moves to a wasm model (the warm fallback, or a new one) with the recurrent state of the current one. */
  #switchToWasm(reason: string, cause: unknown): Promise<void> {
    if (this.#switching) return this.#switching;
    const from = this.#model;
    if (!from) return Promise.resolve();
    this.#switching = (async () => {
      const state = from.model.exportState();
      const to = this.#fallback ?? (await this.#runtime.createWasm());
      this.#fallback = null;
      to.model.importState(state);
      this.#model = to;
      await from.release().catch(() => undefined);
      const error = new VadError('backend_lost', `${reason}; continuing on wasm`, {
        recoverable: true,
        ...(cause === null ? {} : { cause }),
      });
      this.#emit({ type: 'error', error: toVadErrorData(error) });
      this.#emit({ type: 'backend', change: { backend: 'wasm', reason } });
    })().finally(() => {
      this.#switching = null;
    });
    return this.#switching;
  }

  /** Samples were lost before this frame: close the turn, start a new stream, and say so. */
  #onGap(lost: number): void {
    const ev = this.#endpointer.flush();
    if (ev) this.#emitEndpointer(ev);
    this.#endpointer.reset();
    this.#gate?.reset();
    this.#model?.model.reset();
    this.#half = false;
    const ms = (lost * 1000) / SILERO_SAMPLE_RATE;
    const error = new VadError(
      'audio_dropped',
      `${lost} samples (${ms.toFixed(0)} ms) of audio were lost before the VAD read them; the stream restarts at position ${this.#info.position}`,
      { recoverable: true },
    );
    this.#emit({ type: 'error', error: toVadErrorData(error) });
  }

  /** Applies the drop-to-present policy between frames (ring sources). */
  #catchUpCheck(reader: FrameReader): void {
    const policy = this.#catchUp;
    if (!policy || !(reader instanceof RingFrameReader)) return;
    const d: CatchUpDecision = policy.check(reader.position, reader.newest());
    if (d.action === 'skip') this.#skip(reader, d.to, d.skipped, d.phase);
  }

  /**
   * Drops to the present: the next hop read starts at `to`; the model starts a new stream; a turn in
   * progress stays open across the skipped span (the ring keeps its audio for the read-back at commit).
   */
  #skip(reader: RingFrameReader, to: number, skipped: number, phase: 'startup' | 'live'): void {
    const t = reader.timeAt(to);
    reader.skipTo(to);
    this.#endpointer.skipTo(reader.position, Number.isNaN(t) ? reader.position / SILERO_SAMPLE_RATE : t);
    this.#model?.model.reset();
    this.#half = false;
    this.#writeProgress();
    const ms = (skipped * 1000) / SILERO_SAMPLE_RATE;
    const error = new VadError(
      'skipped_ahead',
      `the VAD was ${ms.toFixed(0)} ms behind the newest audio (${phase === 'startup' ? 'start-up backlog growing' : `limit ${String(this.#config.skipAfterMs ?? 0)} ms`}); it skipped to the present (the audio stays in the ring)`,
      { recoverable: true },
    );
    this.#emit({ type: 'error', error: toVadErrorData(error) });
    this.#lagging = false;
    this.#goLive(reader, true);
  }

  /** Says once per episode that the VAD keeps up with real time (first after start-up, again after a skip). */
  #goLive(reader: FrameReader, skipped: boolean): void {
    this.#caughtUp = true;
    this.#emit({
      type: 'live',
      behindMs: (reader.behind() * 1000) / SILERO_SAMPLE_RATE,
      position: reader.position,
      skipped,
    });
  }

  #emitEndpointer(ev: EndpointerEvent): void {
    if (this.#gate) this.#gate.event(ev);
    else this.#emit({ type: 'endpointer', event: ev });
  }

  #checkLag(reader: FrameReader): void {
    const behind = reader.behind();
    if (behind > this.#maxBehind) this.#maxBehind = behind;
    // A backlog present at attach time (audio kept while the model loaded) is caught up, not fallen into:
    // until the first catch-up, only growth beyond it counts.
    const done = (this.#hops - this.#hopsAtAttach) * SILERO_HOP_SAMPLES;
    if (!this.#caughtUp && behind <= this.#maxLagSamples / 2 && done >= this.#initialBehind) {
      this.#goLive(reader, false);
    }
    const limit = this.#caughtUp ? this.#maxLagSamples : this.#initialBehind + this.#maxLagSamples;
    if (!this.#lagging && behind > limit) {
      this.#lagging = true;
      const ms = (behind * 1000) / SILERO_SAMPLE_RATE;
      const error = new VadError(
        'falling_behind',
        `the VAD is ${ms.toFixed(0)} ms behind the newest audio (limit ${this.#config.maxLagMs} ms); catching up`,
        { recoverable: true },
      );
      this.#emit({ type: 'error', error: toVadErrorData(error) });
    } else if (this.#lagging && behind < this.#maxLagSamples / 2) {
      this.#lagging = false;
    }
  }

  #writeProgress(): void {
    const p = this.#progress;
    const reader = this.#reader;
    if (!p || !reader) return;
    p[0] = reader.position;
    p[1] = this.#info.time + SILERO_HOP_SAMPLES / SILERO_SAMPLE_RATE;
  }

  #fail(e: unknown): void {
    if (this.#disposed) return;
    // The loop cannot go on: stop it and hand over to the fatal handler (the client restarts the worker).
    this.#disposed = true;
    if (this.#statsTimer !== null) clearInterval(this.#statsTimer);
    this.#fatal(
      e instanceof VadError ? e : new VadError('internal', `the VAD loop failed: ${String(e)}`, { cause: e }),
    );
  }
}
