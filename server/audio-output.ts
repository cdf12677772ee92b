import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  TrackPublishOptions,
  TrackSource,
  type LocalParticipant,
} from '@livekit/rtc-node';
import type { AudioSink } from './audio-sink.ts';

/**
 * The agent's one audio track, as an {@link AudioSink}: reply audio is pushed chunk by chunk as the
 * brain produces it into an `AudioSource` with a short queue (`queueMs`); `clear()` drops the queue so
 * output stops within one frame.
 */
export class AudioOutput implements AudioSink {
  readonly sampleRate: number;
  readonly #source: AudioSource;
  readonly #track: LocalAudioTrack;
  #trackSid: string | undefined;

  constructor(sampleRate = 48_000, queueMs = 200) {
    this.sampleRate = sampleRate;
    this.#source = new AudioSource(sampleRate, 1, queueMs);
    this.#track = LocalAudioTrack.createAudioTrack('sotto-agent', this.#source);
  }

  async publish(participant: LocalParticipant): Promise<void> {
    const opts = new TrackPublishOptions();
    opts.source = TrackSource.SOURCE_MICROPHONE;
    // Redundant audio (RED, RFC 2198) for the reply track: `SOTTO_AGENT_RED=1` turns it on, `0` off;
    // unset leaves the SDK's default. The latency lab compares both under loss (docs/latency-lab.md).
    const red = process.env.SOTTO_AGENT_RED;
    if (red === '1' || red === '0') opts.red = red === '1';
    const pub = await participant.publishTrack(this.#track, opts);
    this.#trackSid = pub.sid;
  }

  /** The published track's sid (for `lk.transcribed_track_id`), once published. */
  get trackSid(): string | undefined {
    return this.#trackSid;
  }

  write(pcm: Int16Array): Promise<void> {
    // rtc-node hands `data.buffer` to the FFI from byte 0, ignoring a view's offset: copy views.
    const own = pcm.byteOffset === 0 && pcm.byteLength === pcm.buffer.byteLength ? pcm : pcm.slice();
    return this.#source.captureFrame(new AudioFrame(own, this.sampleRate, 1, own.length));
  }

  drain(): Promise<void> {
    return this.#source.waitForPlayout();
  }

  clear(): number {
    const queued = this.#source.queuedDuration;
    this.#source.clearQueue();
    return queued;
  }

  async close(): Promise<void> {
    await this.#track.close();
    await this.#source.close();
  }
}
