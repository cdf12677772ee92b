/**
 * Lab capture worklet (tests and bench only; the product's capture worklet is the lead's): downmixes,
 * resamples to 16 kHz and writes the capture ring (shared memory) with AudioContext-time anchors, or posts
 * 20 ms chunks on a MessagePort (pages without SharedArrayBuffer: the only allocation, on that path).
 * Also reports the time of the first sample above a threshold once armed (calibration of the path delay).
 * `process()` never logs or awaits.
 */
import { RingWriter } from '../../src/audio/ring-buffer.ts';
import { downmix, Resampler } from '../../src/audio/resampler.ts';

/** Name the lab registers its processor under. */
const NAME = 'sotto-lab-capture';
const OUT_RATE = 16_000;
const CHUNK = 320;

interface LabCaptureOptions {
  /** Ring storage from createRingStorage({ sampleRate: 16000 }); absent on the port path. */
  storage?: SharedArrayBuffer;
}

type LabCaptureMessage = { type: 'port'; port: MessagePort } | { type: 'arm'; threshold: number };

class LabCapture extends AudioWorkletProcessor {
  readonly #resampler = new Resampler({ inputRate: sampleRate, outputRate: OUT_RATE });
  readonly #mono = new Float32Array(128);
  readonly #out: Float32Array;
  readonly #writer: RingWriter | null;
  #port: MessagePort | null = null;
  #chunk = new Float32Array(CHUNK);
  #chunkLen = 0;
  #chunkPos = 0;
  #chunkTime = 0;
  #pos = 0;
  #armed = 0;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = (options.processorOptions ?? {}) as LabCaptureOptions;
    this.#writer = opts.storage ? new RingWriter(opts.storage) : null;
    this.#out = new Float32Array(this.#resampler.maxOutputFrames(128));
    this.port.onmessage = (e: MessageEvent<LabCaptureMessage>) => {
      if (e.data.type === 'port') this.#port = e.data.port;
      else this.#armed = e.data.threshold;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0] ?? [];
    const frames = channels[0]?.length ?? 128;
    downmix(channels, this.#mono, frames);
    if (this.#armed > 0) {
      for (let i = 0; i < frames; i++) {
        if (Math.abs(this.#mono[i] ?? 0) >= this.#armed) {
          this.#armed = 0;
          this.port.postMessage({ type: 'peak', time: currentTime + i / sampleRate });
          break;
        }
      }
    }
    const t = this.#resampler.nextOutputTime(currentTime);
    const n = this.#resampler.process(this.#mono, this.#out, frames);
    if (this.#writer) {
      this.#writer.markTime(t);
      this.#writer.write(this.#out, 0, n);
    }
    if (this.#port) this.#post(n, t);
    this.#pos += n;
    return true;
  }

  #post(n: number, t: number): void {
    const port = this.#port;
    if (!port) return;
    for (let i = 0; i < n; i++) {
      if (this.#chunkLen === 0) {
        this.#chunkPos = this.#pos + i;
        this.#chunkTime = t + i / OUT_RATE;
      }
      this.#chunk[this.#chunkLen++] = this.#out[i] ?? 0;
      if (this.#chunkLen === CHUNK) {
        const samples = this.#chunk;
        port.postMessage({ type: 'samples', samples, position: this.#chunkPos, time: this.#chunkTime }, [
          samples.buffer,
        ]);
        this.#chunk = new Float32Array(CHUNK);
        this.#chunkLen = 0;
      }
    }
  }
}

registerProcessor(NAME, LabCapture);
