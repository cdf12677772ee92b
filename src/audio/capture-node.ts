import captureUrl from '../../worklets/capture.ts?worker&url';
import { assetUrl } from '../assets/asset-base.ts';
import { TypedEmitter } from '../events.ts';
import { CAPTURE_PROCESSOR, type CaptureChunkMessage, type CaptureProcessorOptions } from './capture-protocol.ts';
import { createRingStorage, RingReader, RingWriter } from './ring-buffer.ts';
import { isSharedBuffer } from './shared-memory.ts';
import { loadWorkletModule } from './worklet-module.ts';

/** Options of {@link CaptureNode}. */
export interface CaptureOptions {
  /** Seconds of audio the ring keeps (pre-roll, replay of a whole turn). Default 10 s. */
  seconds?: number;
  /** Rate of the ring, Hz. Default 16000 (what the VAD and ASR models take). */
  sampleRate?: number;
  /**
   * Use the MessagePort path even when shared memory is available (for tests). Default false: shared
   * memory whenever the page is cross-origin isolated.
   */
  forceMessagePort?: boolean;
  /** MessagePort path: milliseconds per posted batch. Default 20 ms. */
  batchMs?: number;
  /** Latency measurement hook (`CaptureProbe` layout); only on the shared path. Default none. */
  probe?: SharedArrayBuffer;
}

/** Event name -> payload of {@link CaptureNode}. */
export interface CaptureEvents {
  /**
   * MessagePort path only: a batch was written into the ring (`position` is the ring position of its
   * first sample). Consumers in other threads (a VAD worker) get the same samples from here.
   */
  chunk: { samples: Float32Array; time: number; position: number };
}

/** What the capture path has done so far. */
export interface CaptureStats {
  /** `shared`: the worklet writes the ring directly; `port`: batches through the main thread. */
  path: 'shared' | 'port';
  /** Samples written into the ring since the start. */
  written: number;
  /** Non-finite input samples replaced by 0. */
  nonFinite: number;
}

/**
 * The mic capture path: an AudioWorklet that downmixes and resamples any input to 16 kHz mono and keeps
 * the last `seconds` in a lock-free ring, every sample mapped to AudioContext time. Connect a source
 * node to {@link input}; read with {@link reader} here, or hand {@link storage} (a SharedArrayBuffer on
 * the shared path) to a worker and read it there with its own `RingReader`.
 *
 * `close()` disconnects the worklet; it does not stop the source or close the context (the caller owns
 * those).
 */
export class CaptureNode extends TypedEmitter<CaptureEvents> {
  /** The ring's memory: a SharedArrayBuffer on the shared path, a plain ArrayBuffer on the port path. */
  readonly storage: SharedArrayBuffer | ArrayBuffer;
  readonly sampleRate: number;
  readonly #node: AudioWorkletNode;
  readonly #shared: boolean;
  readonly #stats: RingReader;
  readonly #portWriter: RingWriter | null;
  #portNonFinite = 0;

  private constructor(node: AudioWorkletNode, storage: SharedArrayBuffer | ArrayBuffer, sampleRate: number) {
    super();
    this.#node = node;
    this.storage = storage;
    this.sampleRate = sampleRate;
    this.#shared = isSharedBuffer(storage);
    this.#stats = new RingReader(storage);
    this.#portWriter = this.#shared ? null : new RingWriter(storage);
    if (this.#portWriter) {
      const writer = this.#portWriter;
      node.port.onmessage = (e: MessageEvent<CaptureChunkMessage>) => {
        const { samples, time, nonFinite } = e.data;
        const position = writer.position;
        writer.markTime(time);
        writer.write(samples);
        this.#portNonFinite = nonFinite;
        this.emit('chunk', { samples, time, position });
      };
    }
  }

  static async create(ctx: BaseAudioContext, opts: CaptureOptions = {}): Promise<CaptureNode> {
    const sampleRate = opts.sampleRate ?? 16_000;
    const shared = !opts.forceMessagePort && globalThis.crossOriginIsolated;
    const storage = createRingStorage({ sampleRate, seconds: opts.seconds ?? 10, shared });
    await loadWorkletModule(ctx, assetUrl('capture.js', captureUrl));
    const processorOptions: CaptureProcessorOptions = {
      targetRate: sampleRate,
      batchFrames: Math.round((sampleRate * (opts.batchMs ?? 20)) / 1000),
      ...(shared ? { storage: storage as SharedArrayBuffer } : {}),
      ...(shared && opts.probe ? { probe: opts.probe } : {}),
    };
    const node = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCountMode: 'explicit',
      channelCount: 2,
      channelInterpretation: 'speakers',
      processorOptions,
    });
    return new CaptureNode(node, storage, sampleRate);
  }

  /** Connect the source here (a MediaStreamAudioSourceNode, or any node). */
  get input(): AudioNode {
    return this.#node;
  }

  /** A new reader positioned at the live edge (call `seek()` to read older audio). */
  reader(): RingReader {
    const r = new RingReader(this.storage);
    r.seek(r.writePosition());
    return r;
  }

  stats(): CaptureStats {
    return {
      path: this.#shared ? 'shared' : 'port',
      written: this.#stats.writePosition(),
      nonFinite: this.#shared ? this.#stats.nonFiniteCount() : this.#portNonFinite,
    };
  }

  close(): void {
    this.#node.disconnect();
    this.#node.port.onmessage = null;
    this.#node.port.close();
  }
}
