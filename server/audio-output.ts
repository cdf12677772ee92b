import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  TrackPublishOptions,
  TrackSource,
  type LocalParticipant,
} from '@livekit/rtc-node';

/** What one reply playout did. */
export interface PlayoutResult {
  /** `performance.now()` when the first frame was handed to WebRTC, or null if none was. */
  firstFrameAt: number | null;
  /** Samples handed to WebRTC. */
  samples: number;
  cancelled: boolean;
}

/**
 * The agent's one audio track. Reply audio is pushed frame by frame as the brain produces it; `cancel`
 * drops whatever is queued, so output stops within one frame.
 */
export class AudioOutput {
  readonly sampleRate: number;
  readonly #source: AudioSource;
  readonly #track: LocalAudioTrack;

  constructor(sampleRate = 48_000, queueMs = 200) {
    this.sampleRate = sampleRate;
    this.#source = new AudioSource(sampleRate, 1, queueMs);
    this.#track = LocalAudioTrack.createAudioTrack('sotto-agent', this.#source);
  }

  async publish(participant: LocalParticipant): Promise<void> {
    const opts = new TrackPublishOptions();
    opts.source = TrackSource.SOURCE_MICROPHONE;
    await participant.publishTrack(this.#track, opts);
  }

  /** Plays `chunks` (mono 16-bit PCM at `sampleRate`) until done or `signal` aborts. */
  async play(chunks: AsyncIterable<Int16Array>, signal: AbortSignal, onFirstFrame: () => void): Promise<PlayoutResult> {
    const result: PlayoutResult = { firstFrameAt: null, samples: 0, cancelled: false };
    const onAbort = (): void => {
      this.#source.clearQueue();
    };
    signal.addEventListener('abort', onAbort);
    try {
      for await (const pcm of chunks) {
        if (signal.aborted) break;
        if (pcm.length === 0) continue;
        await this.#source.captureFrame(new AudioFrame(pcm, this.sampleRate, 1, pcm.length));
        if (result.firstFrameAt === null) {
          result.firstFrameAt = performance.now();
          onFirstFrame();
        }
        result.samples += pcm.length;
      }
      if (!signal.aborted) await this.#source.waitForPlayout();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    result.cancelled = signal.aborted;
    return result;
  }

  async close(): Promise<void> {
    await this.#track.close();
    await this.#source.close();
  }
}
