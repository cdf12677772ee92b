import playbackUrl from '../../worklets/playback.ts?worker&url';
import { assetUrl } from '../assets/asset-base.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import { int16ToFloat32 } from './pcm16.ts';
import {
  FLUSH_FLAG_BYTE,
  PLAYBACK_PROCESSOR,
  PLAYBACK_SLOTS,
  PLAYBACK_STATUS_BYTES,
  PlaybackSlot,
  type PlaybackCommand,
  type PlaybackProcessorOptions,
  type PlaybackReport,
} from './playback-protocol.ts';
import { PlaybackEvent, type JitterBufferOptions } from './playback-types.ts';
import { isSupportedSampleRate, Resampler } from './resampler.ts';
import { loadWorkletModule } from './worklet-module.ts';

/** Event name -> payload of {@link PlaybackNode}. Times are AudioContext seconds of the quantum. */
export interface PlaybackEvents {
  started: { responseId: string; time: number };
  drained: { responseId: string; time: number; playedSamples: number };
  underrun: { responseId: string; time: number };
  /** `flush()` or `cancel()` cut a playing response; `playedMs` is the truncation point. */
  interrupted: { responseId: string; time: number; playedSamples: number; playedMs: number };
}

/** What was played of one response, at the context rate. */
export interface PlayedCount {
  /** Samples the user heard (fades included). */
  samples: number;
  /** Position in the response's timeline (heard + dropped by catch-up), in ms: the truncation point. */
  ms: number;
}

interface ResponseState {
  num: number;
  rate: number;
  resampler: Resampler | null;
  pushed: number;
  cancelled: boolean;
}

/**
 * Plays reply audio (any rate, Int16 or Float32 chunks) through the playback worklet's adaptive jitter
 * buffer, with exact per-response played-sample counters. Connect {@link output} to the destination (or
 * to a MediaStreamAudioDestinationNode). `flush()` (barge-in) silences output within one render quantum.
 *
 * Counters: `played(id)` reads the live counter from shared memory when the page is cross-origin isolated,
 * else the latest report (~21 ms old at most).
 */
export class PlaybackNode extends TypedEmitter<PlaybackEvents> {
  readonly #ctx: BaseAudioContext;
  readonly #node: AudioWorkletNode;
  readonly #status: Float64Array;
  readonly #flushFlag: Int32Array | null;
  readonly #byId = new Map<string, ResponseState>();
  readonly #byNum = new Map<number, string>();
  readonly #final = new Map<number, { samples: number; position: number }>();
  #next = 1;
  /** Chunks rejected because their response was cancelled or ended. */
  droppedChunks = 0;

  private constructor(ctx: BaseAudioContext, node: AudioWorkletNode, status: SharedArrayBuffer | null) {
    super();
    this.#ctx = ctx;
    this.#node = node;
    this.#status = status ? new Float64Array(status, 0, PLAYBACK_SLOTS) : new Float64Array(PLAYBACK_SLOTS);
    this.#flushFlag = status ? new Int32Array(status, FLUSH_FLAG_BYTE, 1) : null;
    node.port.onmessage = (e: MessageEvent<PlaybackReport>) => {
      this.#report(e.data);
    };
  }

  static async create(
    ctx: BaseAudioContext,
    jitter: Omit<JitterBufferOptions, 'sampleRate'> = {},
  ): Promise<PlaybackNode> {
    await loadWorkletModule(ctx, assetUrl('playback.js', playbackUrl));
    const status = globalThis.crossOriginIsolated ? new SharedArrayBuffer(PLAYBACK_STATUS_BYTES) : null;
    const processorOptions: PlaybackProcessorOptions = { jitter, ...(status ? { status } : {}) };
    const node = new AudioWorkletNode(ctx, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions,
    });
    return new PlaybackNode(ctx, node, status);
  }

  /** The node to connect to the speakers. */
  get output(): AudioNode {
    return this.#node;
  }

  /**
   * Queues a chunk of response `responseId` at `sampleRate` Hz. Int16 chunks are scaled to [-1, 1).
   * Chunks of a cancelled or ended response are dropped and counted (`droppedChunks`). Throws a
   * SottoError (`internal`) for an unsupported rate.
   */
  push(responseId: string, chunk: Int16Array | Float32Array, sampleRate: number): void {
    const r = this.#response(responseId, sampleRate);
    if (!r) {
      this.droppedChunks++;
      return;
    }
    if (chunk.length === 0) return;
    let samples = chunk instanceof Int16Array ? int16ToFloat32(chunk) : chunk.slice();
    if (r.resampler) {
      const out = new Float32Array(r.resampler.maxOutputFrames(samples.length));
      samples = out.subarray(0, r.resampler.process(samples, out));
    }
    r.pushed += samples.length;
    this.#post({ type: 'push', id: r.num, samples });
  }

  /** No more audio for `responseId`: it drains instead of underrunning. */
  end(responseId: string): void {
    const r = this.#byId.get(responseId);
    if (!r || r.cancelled) return;
    if (r.resampler) {
      const tail = new Float32Array(r.resampler.maxOutputFrames(0) + r.resampler.taps);
      const n = r.resampler.flush(tail);
      if (n > 0) {
        r.pushed += n;
        this.#post({ type: 'push', id: r.num, samples: tail.slice(0, n) });
      }
    }
    r.cancelled = true; // later chunks are dropped
    this.#post({ type: 'end', id: r.num });
  }

  /** Drops `responseId` (playing or queued); later chunks for it are dropped and counted. */
  cancel(responseId: string): void {
    const r = this.#byId.get(responseId) ?? this.#response(responseId, this.#ctx.sampleRate);
    if (!r) return;
    r.cancelled = true;
    this.#post({ type: 'cancel', id: r.num });
  }

  /**
   * Barge-in: silences output within one render quantum and cancels everything queued. Uses a shared
   * flag when possible (no message latency), else a message.
   */
  flush(): void {
    for (const r of this.#byId.values()) r.cancelled = true;
    if (this.#flushFlag) Atomics.store(this.#flushFlag, 0, 1);
    else this.#post({ type: 'flush' });
  }

  /** What the user has heard of `responseId` so far (exact, at the context rate), or null if unknown. */
  played(responseId: string): PlayedCount | null {
    const r = this.#byId.get(responseId);
    if (!r) return null;
    const s = this.#status;
    const live = s[PlaybackSlot.currentId] === r.num;
    const fin = this.#final.get(r.num);
    const samples = live ? (s[PlaybackSlot.playedSamples] ?? 0) : (fin?.samples ?? 0);
    const position = live ? (s[PlaybackSlot.playedPosition] ?? 0) : (fin?.position ?? 0);
    return { samples: Math.max(0, samples), ms: (Math.max(0, position) * 1000) / this.#ctx.sampleRate };
  }

  /** Samples queued so far for `responseId` (after resampling to the context rate). */
  pushed(responseId: string): number {
    return this.#byId.get(responseId)?.pushed ?? 0;
  }

  close(): void {
    this.#node.disconnect();
    this.#node.port.onmessage = null;
    this.#node.port.close();
  }

  #response(id: string, rate: number): ResponseState | null {
    const known = this.#byId.get(id);
    if (known) return known.cancelled ? null : known;
    if (!isSupportedSampleRate(rate)) throw new SottoError('internal', `unsupported sample rate ${String(rate)} Hz`);
    const r: ResponseState = {
      num: this.#next++,
      rate,
      resampler:
        rate === this.#ctx.sampleRate ? null : new Resampler({ inputRate: rate, outputRate: this.#ctx.sampleRate }),
      pushed: 0,
      cancelled: false,
    };
    this.#byId.set(id, r);
    this.#byNum.set(r.num, id);
    return r;
  }

  #post(c: PlaybackCommand): void {
    if (c.type === 'push') this.#node.port.postMessage(c, [c.samples.buffer]);
    else this.#node.port.postMessage(c);
  }

  #report(m: PlaybackReport): void {
    const time = m.frame / this.#ctx.sampleRate;
    if (m.currentId >= 0) this.#final.set(m.currentId, { samples: m.playedSamples, position: m.playedPosition });
    if (!this.#flushFlag) {
      this.#status[PlaybackSlot.currentId] = m.currentId;
      this.#status[PlaybackSlot.playedSamples] = m.playedSamples;
      this.#status[PlaybackSlot.playedPosition] = m.playedPosition;
    }
    const name = (num: number): string | undefined => this.#byNum.get(num);
    if (m.events & PlaybackEvent.started) {
      const id = name(m.startedId);
      if (id) this.emit('started', { responseId: id, time });
    }
    if (m.interruptedId >= 0) {
      this.#final.set(m.interruptedId, { samples: m.interruptedPlayed, position: m.interruptedPosition });
      const id = name(m.interruptedId);
      if (id) {
        const playedMs = (m.interruptedPosition * 1000) / this.#ctx.sampleRate;
        this.emit('interrupted', { responseId: id, time, playedSamples: m.interruptedPlayed, playedMs });
      }
    }
    if (m.events & PlaybackEvent.drained) {
      const id = name(m.drainedId);
      const fin = this.#final.get(m.drainedId);
      this.#final.set(m.drainedId, {
        samples: m.drainedPlayed,
        position: Math.max(fin?.position ?? 0, m.drainedPlayed),
      });
      if (id) this.emit('drained', { responseId: id, time, playedSamples: m.drainedPlayed });
    }
    if (m.events & PlaybackEvent.underrun) {
      const id = name(m.underrunId);
      if (id) this.emit('underrun', { responseId: id, time });
    }
  }
}
