/**
 * The microphone as `input_audio_buffer.append` events: the SDK's capture worklet resamples the track to
 * the session's input rate (24 kHz for GA) into its ring; every `chunkMs` the main thread reads what is
 * new and hands it on as base64 PCM16. The worklet never allocates on the shared-memory path; here the
 * read buffer is allocated once.
 */
import { CaptureNode } from '../../audio/capture-node.ts';
import type { RingReader } from '../../audio/ring-buffer.ts';
import { Pcm16Base64Encoder } from './pcm16-base64.ts';

/** How often the ring is read and a chunk sent, ms (OpenAI's clients send 20-100 ms chunks). */
const CHUNK_MS = 20;
/** Seconds the ring holds: enough for a throttled tab's timer to catch up without losing audio. */
const RING_SECONDS = 3;
/** Largest append, ms of audio (a throttled timer's backlog goes in several). */
const MAX_APPEND_MS = 200;

export class MicPump {
  readonly #ctx: AudioContext;
  readonly #capture: CaptureNode;
  readonly #reader: RingReader;
  readonly #buf: Float32Array;
  readonly #encoder = new Pcm16Base64Encoder();
  readonly #send: (audioB64: string) => void;
  readonly #timer: ReturnType<typeof setInterval>;
  #source: MediaStreamAudioSourceNode;
  #enabled = true;

  private constructor(
    ctx: AudioContext,
    capture: CaptureNode,
    track: MediaStreamTrack,
    send: (audioB64: string) => void,
  ) {
    this.#ctx = ctx;
    this.#capture = capture;
    this.#reader = capture.reader();
    this.#buf = new Float32Array(Math.round((capture.sampleRate * MAX_APPEND_MS) / 1000));
    this.#send = send;
    this.#source = ctx.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(capture.input);
    this.#timer = setInterval(() => {
      this.flush();
    }, CHUNK_MS);
  }

  /** Starts capturing `track` at `rate` Hz; `send` gets each chunk's base64. The track is never stopped. */
  static async create(
    ctx: AudioContext,
    track: MediaStreamTrack,
    rate: number,
    send: (audioB64: string) => void,
  ): Promise<MicPump> {
    const capture = await CaptureNode.create(ctx, { sampleRate: rate, seconds: RING_SECONDS });
    return new MicPump(ctx, capture, track, send);
  }

  /** The capture rate, Hz. */
  get sampleRate(): number {
    return this.#capture.sampleRate;
  }

  /** Sends everything captured so far (called before a commit, so the turn's last samples are in it). */
  flush(): void {
    const r = this.#reader;
    if (!this.#enabled) {
      r.seek(r.writePosition());
      return;
    }
    while (r.available() > 0) {
      const n = r.read(this.#buf);
      if (n === 0) return;
      this.#send(this.#encoder.encode(this.#buf, n));
    }
  }

  /** Off: nothing is sent, and what is captured meanwhile is skipped. */
  setEnabled(enabled: boolean): void {
    if (enabled && !this.#enabled) this.#reader.seek(this.#reader.writePosition());
    this.#enabled = enabled;
  }

  /** Captures another track from now on (input device switch). */
  replaceTrack(track: MediaStreamTrack): void {
    this.#source.disconnect();
    this.#source = this.#ctx.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(this.#capture.input);
  }

  /** Skips what was captured and not sent (a new connection starts from now). */
  skip(): void {
    this.#reader.seek(this.#reader.writePosition());
  }

  close(): void {
    clearInterval(this.#timer);
    this.#source.disconnect();
    this.#capture.close();
  }
}
