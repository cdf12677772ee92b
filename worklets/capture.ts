/**
 * Capture worklet: downmixes any input to mono, resamples it to the ring's rate (16 kHz) with the
 * polyphase windowed-sinc resampler, and writes it into the SPSC ring with AudioContext-time anchors.
 * `process()` never allocates, logs or awaits on the shared-memory path. When the page is not
 * cross-origin isolated there is no shared memory: it then posts a batch every `batchFrames` samples
 * (20 ms by default), which allocates one small array per batch — the only allocation, on that path only.
 */
import { CAPTURE_PROCESSOR, CaptureProbe, type CaptureProcessorOptions } from '../src/audio/capture-protocol.ts';
import { RingWriter } from '../src/audio/ring-buffer.ts';
import { downmix, Resampler } from '../src/audio/resampler.ts';

const QUANTUM = 128;

class CaptureProcessor extends AudioWorkletProcessor {
  readonly #resampler: Resampler;
  readonly #mono = new Float32Array(QUANTUM);
  readonly #out: Float32Array;
  readonly #writer: RingWriter | null;
  readonly #batch: Float32Array | null;
  #batchLength = 0;
  #batchTime = 0;
  #nonFinite = 0;
  readonly #probeSeq: Int32Array | null;
  readonly #probe: Float64Array | null;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = options.processorOptions as CaptureProcessorOptions;
    this.#resampler = new Resampler({ inputRate: sampleRate, outputRate: opts.targetRate });
    this.#out = new Float32Array(this.#resampler.maxOutputFrames(QUANTUM));
    this.#writer = opts.storage ? new RingWriter(opts.storage) : null;
    this.#batch = opts.storage ? null : new Float32Array(opts.batchFrames + this.#out.length);
    this.#probeSeq = opts.probe ? new Int32Array(opts.probe, 0, 1) : null;
    this.#probe = opts.probe ? new Float64Array(opts.probe) : null;
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    const first = channels?.[0];
    if (!channels || !first) return true; // no input connected this quantum
    const frames = Math.min(first.length, QUANTUM);
    this.#nonFinite += downmix(channels, this.#mono, frames);
    const t = this.#resampler.nextOutputTime(currentTime);
    const n = this.#resampler.process(this.#mono, this.#out, frames);
    if (this.#writer) {
      this.#writer.markTime(t);
      this.#writer.write(this.#out, 0, n);
      if (this.#probe && this.#probeSeq) {
        this.#probe[CaptureProbe.position] = this.#writer.position;
        this.#probe[CaptureProbe.wallMs] = Date.now();
        Atomics.add(this.#probeSeq, CaptureProbe.seq, 1);
        Atomics.notify(this.#probeSeq, CaptureProbe.seq);
      }
      return true;
    }
    const batch = this.#batch;
    if (!batch || n === 0) return true;
    if (this.#batchLength === 0) this.#batchTime = t;
    batch.set(this.#out.subarray(0, n), this.#batchLength);
    this.#batchLength += n;
    if (this.#batchLength >= batch.length - this.#out.length) {
      const samples = batch.slice(0, this.#batchLength);
      this.port.postMessage({ type: 'chunk', samples, time: this.#batchTime, nonFinite: this.#nonFinite }, [
        samples.buffer,
      ]);
      this.#batchLength = 0;
    }
    return true;
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
