/**
 * Output tap: measures what the agent's track actually delivers, on the AudioContext clock. It writes
 * counters into a shared Float64Array when the page is cross-origin isolated; otherwise it posts a copy
 * of the counters every 8 render quanta (~21 ms at 48 kHz) — the only allocation, and only on that path.
 * `process()` never logs or awaits.
 */
import {
  AUDIBLE_THRESHOLD,
  OUTPUT_TAP_PROCESSOR,
  TAP_SLOTS,
  TapSlot,
  type TapControl,
} from '../src/audio/output-tap-layout.ts';

interface TapOptions {
  /** SharedArrayBuffer of TAP_SLOTS float64 slots; absent when not cross-origin isolated. */
  stats?: SharedArrayBuffer;
}

class OutputTapProcessor extends AudioWorkletProcessor {
  readonly #stats: Float64Array;
  readonly #shared: boolean;
  #quanta = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = (options.processorOptions ?? {}) as TapOptions;
    this.#shared = opts.stats !== undefined;
    this.#stats = opts.stats ? new Float64Array(opts.stats) : new Float64Array(TAP_SLOTS);
    const s = this.#stats;
    s[TapSlot.firstAudibleFrame] = -1;
    s[TapSlot.lastAudibleFrame] = -1;
    s[TapSlot.lastHeardFrame] = -1;
    s[TapSlot.armFrame] = -1;
    s[TapSlot.armedFirstAudibleFrame] = -1;
    s[TapSlot.gain] = 1;
    if (!this.#shared) {
      this.port.onmessage = (e: MessageEvent<TapControl>) => {
        s[e.data.slot] = e.data.value;
      };
    }
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true;
    const s = this.#stats;
    const n = first.length;
    let audible = 0;
    let heard = 0;
    let peak = s[TapSlot.peak] ?? 0;
    const gain = s[TapSlot.gain] ?? 1;
    const arm = s[TapSlot.armFrame] ?? -1;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (const ch of channels) {
        const x = Math.abs(ch[i] ?? 0);
        if (x > v) v = x;
      }
      if (v > AUDIBLE_THRESHOLD) {
        const frame = currentFrame + i;
        if (s[TapSlot.firstAudibleFrame] === -1) s[TapSlot.firstAudibleFrame] = frame;
        if (arm >= 0 && frame >= arm && s[TapSlot.armedFirstAudibleFrame] === -1) {
          s[TapSlot.armedFirstAudibleFrame] = frame;
        }
        s[TapSlot.lastAudibleFrame] = frame;
        audible++;
        if (v * gain > AUDIBLE_THRESHOLD) {
          s[TapSlot.lastHeardFrame] = frame;
          heard++;
        }
      }
      if (v > peak) peak = v;
    }
    s[TapSlot.framesSeen] = (s[TapSlot.framesSeen] ?? 0) + n;
    s[TapSlot.audibleFrames] = (s[TapSlot.audibleFrames] ?? 0) + audible;
    s[TapSlot.heardFrames] = (s[TapSlot.heardFrames] ?? 0) + heard;
    s[TapSlot.peak] = peak;
    if (!this.#shared && ++this.#quanta % 8 === 0) this.port.postMessage(s);
    return true;
  }
}

registerProcessor(OUTPUT_TAP_PROCESSOR, OutputTapProcessor);
