/**
 * Playback worklet: plays PCM chunks (already at the context rate) through the adaptive jitter buffer.
 * Every quantum it writes the live played-sample counters into the shared status block (no allocation);
 * it posts a report only in quanta where something happened (started, drained, underrun, flushed), which
 * is rare. A flush requested through the shared flag takes effect at the next quantum, without waiting
 * for a message. `process()` never logs or awaits.
 */
import { JitterBuffer } from '../src/audio/jitter-buffer.ts';
import {
  FLUSH_FLAG_BYTE,
  PLAYBACK_PROCESSOR,
  PLAYBACK_SLOTS,
  PlaybackSlot,
  type PlaybackCommand,
  type PlaybackProcessorOptions,
} from '../src/audio/playback-protocol.ts';
import { PlaybackEvent } from '../src/audio/playback-types.ts';

const QUANTUM = 128;
/** Port path: post counters every this many quanta (~21 ms at 48 kHz). */
const PORT_REPORT_QUANTA = 8;

class PlaybackProcessor extends AudioWorkletProcessor {
  readonly #jb: JitterBuffer;
  readonly #out = new Float32Array(QUANTUM);
  readonly #status: Float64Array;
  readonly #flushFlag: Int32Array | null;
  #quanta = 0;
  #pendingInterrupt = -1;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const opts = options.processorOptions as PlaybackProcessorOptions;
    this.#jb = new JitterBuffer({ ...opts.jitter, sampleRate });
    this.#status = opts.status ? new Float64Array(opts.status, 0, PLAYBACK_SLOTS) : new Float64Array(PLAYBACK_SLOTS);
    this.#flushFlag = opts.status ? new Int32Array(opts.status, FLUSH_FLAG_BYTE, 1) : null;
    this.port.onmessage = (e: MessageEvent<PlaybackCommand>) => {
      this.#command(e.data);
    };
  }

  #command(c: PlaybackCommand): void {
    switch (c.type) {
      case 'push':
        // Arrival is stamped on the audio clock when the chunk reaches the audio thread.
        this.#jb.push(c.samples, currentTime * 1000, c.id);
        return;
      case 'end':
        this.#jb.end(c.id);
        return;
      case 'cancel':
        if (c.id === this.#jb.currentId) this.#pendingInterrupt = c.id;
        this.#jb.cancel(c.id);
        return;
      case 'flush':
        this.#flush();
        return;
    }
  }

  #flush(): void {
    this.#pendingInterrupt = this.#jb.currentId;
    this.#jb.flush();
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.#flushFlag && Atomics.exchange(this.#flushFlag, 0, 0) === 1) this.#flush();
    const jb = this.#jb;
    const events = jb.pull(this.#out, currentTime * 1000);
    for (const ch of outputs[0] ?? []) ch.set(this.#out.subarray(0, ch.length));
    const s = this.#status;
    const id = jb.currentId;
    s[PlaybackSlot.currentId] = id;
    s[PlaybackSlot.playedSamples] = jb.playedSamples(id);
    s[PlaybackSlot.playedPosition] = jb.playedPosition(id);
    s[PlaybackSlot.frame] = currentFrame;
    s[PlaybackSlot.bufferedSamples] = jb.bufferedSamples;
    s[PlaybackSlot.targetDelayMs] = jb.targetDelayMs;
    const periodic = this.#flushFlag === null && ++this.#quanta % PORT_REPORT_QUANTA === 0;
    const interrupted = (events & PlaybackEvent.flushed) !== 0 ? this.#pendingInterrupt : -1;
    if (events !== 0 || periodic) {
      this.port.postMessage({
        type: 'report',
        events,
        startedId: jb.lastStartedId,
        drainedId: jb.lastDrainedId,
        underrunId: jb.lastUnderrunId,
        drainedPlayed: (events & PlaybackEvent.drained) !== 0 ? jb.playedSamples(jb.lastDrainedId) : 0,
        currentId: id,
        playedSamples: jb.playedSamples(id),
        playedPosition: jb.playedPosition(id),
        interruptedId: interrupted,
        interruptedPlayed: interrupted >= 0 ? jb.playedSamples(interrupted) : 0,
        interruptedPosition: interrupted >= 0 ? jb.playedPosition(interrupted) : 0,
        frame: currentFrame,
      });
      if (interrupted >= 0) this.#pendingInterrupt = -1;
    }
    return true;
  }
}

registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
