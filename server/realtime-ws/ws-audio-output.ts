import type { OutgoingServerEvent } from '../../src/protocol/index.ts';
import type { AudioSink } from '../audio-sink.ts';
import { encodePcm16Base64, WireResampler } from './pcm-framing.ts';

/** Which content part of which response the audio belongs to (from `response.content_part.added`). */
export interface AudioPartRef {
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
}

/** The socket as far as the sink cares: how many bytes are still waiting to go out. */
export interface OutboundQueue {
  readonly bufferedAmount: number;
}

/** Above this many bytes waiting in the socket, `write()` waits (the client reads slower than the brain speaks). */
const HIGH_WATER_BYTES = 1024 * 1024;
/** How often a waiting `write()` looks at the socket again, in ms. */
const BACKPRESSURE_POLL_MS = 10;

/**
 * Reply audio over the WebSocket, as an {@link AudioSink}: each chunk the brain produces goes out at once
 * as a `response.output_audio.delta` (24 kHz PCM16, base64) of the current content part, as OpenAI's
 * WebSocket endpoint does (faster than real time; the client plays it out). There is no server-side
 * queue: `drain()` resolves at once and `clear()` drops nothing (0 ms), so what was written counts as
 * sent. The shell tells it the current part ({@link begin}) and when the part's audio ends ({@link end}).
 */
export class WsAudioOutput implements AudioSink {
  /** The brain's rate: what `write()` takes (resampled to 24 kHz on the way out). */
  readonly sampleRate: number;
  readonly #send: (e: OutgoingServerEvent) => void;
  readonly #socket: OutboundQueue;
  readonly #resampler: WireResampler;
  #ref: AudioPartRef | null = null;
  #closed = false;

  constructor(brainRate: number, send: (e: OutgoingServerEvent) => void, socket: OutboundQueue) {
    this.sampleRate = brainRate;
    this.#send = send;
    this.#socket = socket;
    this.#resampler = new WireResampler(brainRate);
  }

  /** A new audio content part starts: its deltas carry `ref`. */
  begin(ref: AudioPartRef): void {
    this.#resampler.reset();
    this.#ref = ref;
  }

  /** The current part's audio is complete: sends what the resampler still holds. */
  end(): void {
    const ref = this.#ref;
    this.#ref = null;
    if (ref) this.#emit(ref, this.#resampler.flush());
  }

  write(pcm: Int16Array): Promise<void> {
    const ref = this.#ref;
    if (!ref || this.#closed) return Promise.resolve();
    this.#emit(ref, this.#resampler.push(pcm));
    return this.#room();
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }

  /** Stops the current part (a cancel): nothing is queued here, so nothing is dropped (0 ms). */
  clear(): number {
    this.#ref = null;
    this.#resampler.reset();
    return 0;
  }

  /** The socket closed: writes are dropped and waiting writes resolve. */
  close(): void {
    this.#closed = true;
    this.#ref = null;
  }

  #emit(ref: AudioPartRef, pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.#send({ type: 'response.output_audio.delta', ...ref, delta: encodePcm16Base64(pcm) });
  }

  /** Resolves once the socket has room (below the high-water mark) or the sink closed. */
  #room(): Promise<void> {
    if (this.#socket.bufferedAmount <= HIGH_WATER_BYTES) return Promise.resolve();
    return new Promise((resolve) => {
      const poll = (): void => {
        if (this.#closed || this.#ref === null || this.#socket.bufferedAmount <= HIGH_WATER_BYTES) resolve();
        else setTimeout(poll, BACKPRESSURE_POLL_MS);
      };
      setTimeout(poll, BACKPRESSURE_POLL_MS);
    });
  }
}
