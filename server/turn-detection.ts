/**
 * Server-side turn detection for one session (`turn_detection: server_vad`): the Silero-driven
 * {@link ServerVad} plus the idle timeout (`idle_timeout_ms`: after a reply has finished, this much
 * audio without user speech triggers a turn). Positions are input samples (the InputAudioBuffer clock).
 */
import { SERVER_VAD_DEFAULTS, type ServerVadTurnDetection } from '../src/protocol/index.ts';
import { ServerVad } from './vad/server-vad.ts';
import type { SpeechModel } from './vad/silero-model.ts';

export interface TurnEvents {
  speechStarted(audioStart: number): void;
  speechStopped(audioEnd: number): void;
  /** No speech for `idle_timeout_ms` after a reply ended: audio [start, end) is the idle span. */
  idleTimeout(start: number, end: number): void;
  error(e: unknown): void;
}

export class ServerTurnDetection {
  readonly config: Required<ServerVadTurnDetection>;
  readonly #vad: ServerVad;
  readonly #events: TurnEvents;
  readonly #idleSamples: number | null;
  #idleSince: number | null = null;
  #pos: number;

  constructor(
    model: SpeechModel,
    config: ServerVadTurnDetection,
    inputRate: number,
    origin: number,
    events: TurnEvents,
  ) {
    this.config = { ...SERVER_VAD_DEFAULTS, ...config };
    this.#events = events;
    this.#pos = origin;
    const idle = this.config.idle_timeout_ms;
    this.#idleSamples = idle === null ? null : Math.round((idle * inputRate) / 1000);
    this.#vad = new ServerVad(
      model,
      this.config,
      inputRate,
      origin,
      (d) => {
        if (d.type === 'speech_started') {
          this.#idleSince = null;
          events.speechStarted(d.audioStart);
        } else {
          events.speechStopped(d.audioEnd);
        }
      },
      (e) => {
        events.error(e);
      },
    );
  }

  get speaking(): boolean {
    return this.#vad.speaking;
  }

  /** Feeds input audio contiguous with what came before. */
  push(pcm: Int16Array): void {
    this.#vad.push(pcm);
    this.#pos += pcm.length;
    if (this.#idleSince !== null && this.#idleSamples !== null && !this.#vad.speaking) {
      if (this.#pos - this.#idleSince >= this.#idleSamples) {
        const start = this.#idleSince;
        this.#idleSince = null;
        this.#events.idleTimeout(start, this.#pos);
      }
    }
  }

  /** A reply has finished: start the idle clock (if `idle_timeout_ms` is set). */
  replyEnded(): void {
    if (this.#idleSamples !== null) this.#idleSince = this.#pos;
  }

  /** A turn was committed or a reply started: the idle clock stops. */
  activity(): void {
    this.#idleSince = null;
  }

  /** Forgets speech in progress (input_audio_buffer.clear, manual commit). */
  reset(): void {
    this.#vad.reset(this.#pos);
  }

  close(): void {
    this.#vad.close();
  }
}
