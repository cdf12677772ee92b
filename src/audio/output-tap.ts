import outputTapUrl from '../../worklets/output-tap.ts?worker&url';
import { assetUrl } from '../assets/asset-base.ts';
import { isSharedBuffer } from './shared-memory.ts';
import { OUTPUT_TAP_PROCESSOR, TAP_SLOTS, TapSlot, type TapControl, type TapControlSlot } from './output-tap-layout.ts';

/** What the agent's audio track has delivered so far, measured on the AudioContext clock. */
export interface OutputTapStats {
  /** Frames seen at the context rate. */
  framesSeen: number;
  /** Frames with an audible sample (above about -60 dBFS). */
  audibleFrames: number;
  /** AudioContext time (s) of the first audible sample, or null. */
  firstAudibleTime: number | null;
  /** AudioContext time (s) of the latest audible sample, or null. */
  lastAudibleTime: number | null;
  /** Largest absolute sample value. */
  peak: number;
  /** Frames audible at the gain the user hears (see {@link OutputTap.setGain}). */
  heardFrames: number;
  /** AudioContext time (s) of the latest sample audible at that gain, or null. */
  lastHeardTime: number | null;
  /** AudioContext time (s) of the first audible sample at or after the last {@link OutputTap.arm}, or null. */
  armedFirstAudibleTime: number | null;
}

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** Loads the tap's worklet module once per context. */
function loadModule(ctx: BaseAudioContext): Promise<void> {
  let p = loaded.get(ctx);
  if (!p) {
    p = ctx.audioWorklet.addModule(assetUrl('output-tap.js', outputTapUrl));
    loaded.set(ctx, p);
  }
  return p;
}

/**
 * Taps a MediaStreamTrack into an AudioWorklet that counts audible samples. It only listens: it is not
 * connected to the destination, so it changes nothing the user hears. `close()` disconnects it; the
 * track is not stopped (its owner stops it).
 */
export class OutputTap {
  readonly #ctx: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #node: AudioWorkletNode;
  readonly #stats: Float64Array;
  readonly #shared: boolean;

  private constructor(
    ctx: AudioContext,
    source: MediaStreamAudioSourceNode,
    node: AudioWorkletNode,
    stats: Float64Array,
  ) {
    this.#ctx = ctx;
    this.#source = source;
    this.#node = node;
    this.#stats = stats;
    this.#shared = isSharedBuffer(stats.buffer);
  }

  static async create(ctx: AudioContext, track: MediaStreamTrack): Promise<OutputTap> {
    await loadModule(ctx);
    const shared = globalThis.crossOriginIsolated ? new SharedArrayBuffer(TAP_SLOTS * 8) : undefined;
    const node = new AudioWorkletNode(ctx, OUTPUT_TAP_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      processorOptions: shared ? { stats: shared } : {},
    });
    const stats = shared ? new Float64Array(shared) : new Float64Array(TAP_SLOTS).fill(-1, 2, 4);
    if (!shared) {
      stats[TapSlot.gain] = 1;
      stats.fill(-1, TapSlot.lastHeardFrame, TAP_SLOTS);
    }
    if (!shared) {
      node.port.onmessage = (e: MessageEvent<Float64Array>) => {
        stats.set(e.data);
      };
    }
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    source.connect(node);
    return new OutputTap(ctx, source, node, stats);
  }

  stats(): OutputTapStats {
    const s = this.#stats;
    const rate = this.#ctx.sampleRate;
    const time = (frame: number): number | null => (frame < 0 ? null : frame / rate);
    return {
      framesSeen: s[TapSlot.framesSeen] ?? 0,
      audibleFrames: s[TapSlot.audibleFrames] ?? 0,
      firstAudibleTime: time(s[TapSlot.firstAudibleFrame] ?? -1),
      lastAudibleTime: time(s[TapSlot.lastAudibleFrame] ?? -1),
      peak: s[TapSlot.peak] ?? 0,
      heardFrames: s[TapSlot.heardFrames] ?? 0,
      lastHeardTime: time(s[TapSlot.lastHeardFrame] ?? -1),
      armedFirstAudibleTime: time(s[TapSlot.armedFirstAudibleFrame] ?? -1),
    };
  }

  /**
   * The gain the user hears the track at (mirror of the playing element's volume): 0 while ducked. The
   * `heard*` stats apply it from the next render quantum.
   */
  setGain(gain: number): void {
    this.#write(TapSlot.gain, gain);
  }

  /** Starts looking for the first audible sample at or after `time` (AudioContext seconds). */
  arm(time: number): void {
    this.#write(TapSlot.armedFirstAudibleFrame, -1);
    this.#write(TapSlot.armFrame, Math.max(0, Math.floor(time * this.#ctx.sampleRate)));
  }

  #write(slot: TapControlSlot, value: number): void {
    this.#stats[slot] = value;
    if (!this.#shared) this.#node.port.postMessage({ slot, value } satisfies TapControl);
  }

  close(): void {
    this.#source.disconnect();
    this.#node.port.onmessage = null;
    this.#node.port.close();
  }
}
