/**
 * One WebSocket client bound to one {@link RealtimeSession}: the thin I/O shell of `/v1/realtime`. Text
 * frames go to the session as they are (it parses, validates and answers bad input with `error` events);
 * server events go back as text frames with an `event_id`; reply audio goes out as
 * `response.output_audio.delta` events through a {@link WsAudioOutput}. Frames that arrive before the
 * session exists (the brain still loading) wait, in order, and are handled once it does. Input comes
 * through `handleMessage` / `handleClose` (the server wires the socket's events to them).
 */
import { MAX_STREAM_EVENT_BYTES, type OutgoingServerEvent, type TurnDetection } from '../../src/protocol/index.ts';
import type { Brain } from '../brains/index.ts';
import { newId } from '../ids.ts';
import { RealtimeSession } from '../realtime-session.ts';
import type { SpeechModel } from '../vad/silero-model.ts';
import { WsAudioOutput } from './ws-audio-output.ts';

export type Logger = (msg: string, extra?: Record<string, unknown>) => void;

/** Largest client event over the WebSocket, in bytes (a long conversation item, seconds of audio). */
export const MAX_WS_EVENT_BYTES = MAX_STREAM_EVENT_BYTES;
/** Most bytes held for a session that does not exist yet; a client that sends more is disconnected. */
export const MAX_PENDING_BYTES = 16 * 1024 * 1024;
/**
 * Flood limit per connection: audio arrives as events here (50 a second for 20 ms chunks, more when a
 * client sends a recording faster than real time), so the bucket is far larger than the data channel's.
 */
const WS_FLOOD = { capacity: 4000, ratePerSecond: 2000 };

/**
 * GA events that exist for WebRTC/SIP only (they report playback on the server's side of a media
 * connection); OpenAI's WebSocket endpoint does not send them, and neither does this one.
 */
const WEBRTC_ONLY_PREFIX = 'output_audio_buffer.';

export interface ConnectionOptions {
  brain: Promise<Brain>;
  log: Logger;
  loadVadModel: () => Promise<SpeechModel>;
  /** Turn detection the session starts with (OpenAI's WebSocket sessions start with server VAD). */
  turnDetection: TurnDetection;
  /** The model asked for in the URL (`?model=`), for the log. */
  model: string | null;
}

/** The socket as the connection uses it (the server wires a `ws` WebSocket to it; tests, a fake). */
export interface WsOutbound {
  /** Bytes queued in the socket and not yet sent. */
  readonly bufferedAmount: number;
  /** True while frames can be sent. */
  isOpen(): boolean;
  send(text: string): void;
  close(code: number, reason: string): void;
}

export class RealtimeWsConnection {
  readonly #socket: WsOutbound;
  readonly #log: Logger;
  #session: RealtimeSession | null = null;
  #output: WsAudioOutput | null = null;
  #pending: Uint8Array[] | null = [];
  #pendingBytes = 0;
  #closed = false;

  constructor(socket: WsOutbound, opts: ConnectionOptions) {
    this.#socket = socket;
    this.#log = opts.log;
    opts.brain.then(
      (brain) => {
        this.#open(brain, opts);
      },
      (e: unknown) => {
        this.#log('brain failed to load', { error: String(e) });
        this.#sendRaw({
          type: 'error',
          error: {
            type: 'server_error',
            code: 'response_failed',
            message: 'the server could not load its brain',
            param: null,
            event_id: null,
          },
        });
        socket.close(1011, 'brain unavailable');
      },
    );
  }

  /** The session, once it exists. */
  get session(): RealtimeSession | null {
    return this.#session;
  }

  /** One frame from the client: a JSON text event (binary frames are answered with an error). */
  handleMessage(frame: Uint8Array, isBinary: boolean): void {
    if (this.#closed) return;
    if (isBinary) {
      // The GA protocol is JSON text frames; tell the client rather than guess what the bytes are.
      this.#sendRaw({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          code: 'invalid_event',
          message: 'binary frames are not part of the protocol: send each event as a JSON text frame',
          param: null,
          event_id: null,
        },
      });
      return;
    }
    const session = this.#session;
    if (session) {
      session.receive(frame, 'client', MAX_WS_EVENT_BYTES);
      return;
    }
    this.#pendingBytes += frame.byteLength;
    if (this.#pendingBytes > MAX_PENDING_BYTES) {
      this.#log('client sent too much before the session existed; closing');
      this.#closed = true;
      this.#pending = null;
      this.#socket.close(1008, 'too much data before the session started');
      return;
    }
    this.#pending?.push(frame);
  }

  /** The socket closed: the session ends (its reply in progress is cancelled). */
  handleClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = null;
    this.#output?.close();
    this.#session?.close();
    if (this.#session) this.#log('session closed', { session: this.#session.id });
  }

  #open(brain: Brain, opts: ConnectionOptions): void {
    if (this.#closed) return;
    const output = new WsAudioOutput(
      brain.sampleRate,
      (e) => {
        this.#sendRaw(e);
      },
      this.#socket,
    );
    this.#output = output;
    const session = new RealtimeSession(
      {
        send: (e) => {
          this.#send(e);
        },
        sink: output,
        now: () => performance.now(),
        log: this.#log,
        loadVadModel: opts.loadVadModel,
      },
      brain,
      { turnDetection: opts.turnDetection, flood: WS_FLOOD },
    );
    this.#session = session;
    this.#log('session opened', { session: session.id, model: opts.model });
    session.start();
    const pending = this.#pending ?? [];
    this.#pending = null;
    for (const frame of pending) session.receive(frame, 'client', MAX_WS_EVENT_BYTES);
  }

  /** A server event of the session: tracks the audio part for the sink, leaves out WebRTC-only events. */
  #send(e: OutgoingServerEvent): void {
    if (e.type.startsWith(WEBRTC_ONLY_PREFIX)) return;
    if (e.type === 'response.content_part.added' && e.part.type === 'audio') {
      const { response_id, item_id, output_index, content_index } = e;
      this.#output?.begin({ response_id, item_id, output_index, content_index });
    } else if (e.type === 'response.output_audio.done') {
      this.#output?.end();
    }
    this.#sendRaw(e);
  }

  #sendRaw(e: OutgoingServerEvent): void {
    if (!this.#socket.isOpen()) return;
    this.#socket.send(JSON.stringify({ event_id: newId('event'), ...e }));
  }
}
