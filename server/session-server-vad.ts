/**
 * Server-side turn detection of one Realtime session (`turn_detection: { type: 'server_vad' }`): runs the
 * Silero model on the session's input audio and turns its decisions into the Realtime events
 * (`input_audio_buffer.speech_started` / `speech_stopped` / `timeout_triggered`), commits and responses.
 * The session (realtime-session.ts) owns the conversation and the reply; this owns only the detector.
 */
import type { ProtocolErrorCode, ServerVadTurnDetection, TurnDetection } from '../src/protocol/index.ts';
import { newId } from './ids.ts';
import { INPUT_RATE, type InputTurns } from './input-turns.ts';
import type { CancelReason } from './response-runner.ts';
import { ServerTurnDetection } from './turn-detection.ts';
import type { SpeechModel } from './vad/silero-model.ts';
import type { OutgoingServerEvent } from '../src/protocol/index.ts';

/** What the detector needs from its session. */
export interface ServerVadHost {
  readonly turns: InputTurns;
  send(event: OutgoingServerEvent): void;
  log(msg: string, extra?: Record<string, unknown>): void;
  loadVadModel: (() => Promise<SpeechModel>) | undefined;
  closed(): boolean;
  /** Whether a reply is in progress. */
  responding(): boolean;
  cancel(reason: CancelReason): void;
  /** Commits the input buffer up to `until` as the item `itemId`; its id, or null (too short: reported). */
  commit(opts: { itemId: string; until: number }): string | null;
  /** Answers the last user item. */
  respond(): void;
  error(code: ProtocolErrorCode, message: string, opts: { param?: string; type?: string }): void;
}

export class SessionServerVad {
  readonly #host: ServerVadHost;
  #vad: ServerTurnDetection | null = null;
  #generation = 0;
  #speechItemId: string | null = null;

  constructor(host: ServerVadHost) {
    this.#host = host;
  }

  /** Starts (or stops, for anything but `server_vad`) detection with these settings. */
  apply(td: TurnDetection | null): void {
    this.close();
    const generation = ++this.#generation;
    if (td?.type !== 'server_vad') return;
    const host = this.#host;
    const load = host.loadVadModel;
    if (!load) {
      host.error('unsupported_value', 'server VAD is not available on this server', {
        param: 'session.audio.input.turn_detection',
        type: 'server_error',
      });
      return;
    }
    // The model may load only now (onnxruntime-node is imported on first use): the VAD starts where it
    // was asked for and catches up on the audio that arrived while it loaded.
    const origin = host.turns.buffer.end;
    load().then(
      (model) => {
        if (host.closed() || generation !== this.#generation) return;
        const current = (): boolean => generation === this.#generation && !host.closed();
        const from = Math.max(origin, host.turns.buffer.start);
        this.#vad = new ServerTurnDetection(model, td, INPUT_RATE, from, {
          speechStarted: (pos) => {
            if (current()) this.#onSpeechStarted(pos, td);
          },
          speechStopped: (pos) => {
            if (current()) this.#onSpeechStopped(pos, td);
          },
          idleTimeout: (start, end) => {
            if (current()) this.#onIdleTimeout(start, end);
          },
          error: (e) => {
            host.log('server VAD failed', { error: String(e) });
          },
        });
        const missed = host.turns.buffer.peek(from);
        if (missed.length > 0) this.#vad.push(missed);
      },
      (e: unknown) => {
        host.log('server VAD model failed to load', { error: String(e) });
        host.error('unsupported_value', 'server VAD model failed to load', { type: 'server_error' });
      },
    );
  }

  /** Feeds input audio (mono 16-bit PCM at {@link INPUT_RATE}). */
  push(pcm: Int16Array): void {
    this.#vad?.push(pcm);
  }

  /** Forgets the speech in progress (the buffer was cleared or committed by hand). */
  reset(): void {
    this.#vad?.reset();
    this.#speechItemId = null;
  }

  /** A reply started: no idle timeout meanwhile. */
  activity(): void {
    this.#vad?.activity();
  }

  /** A reply ended: the idle timeout counts from now. */
  replyEnded(): void {
    this.#vad?.replyEnded();
  }

  close(): void {
    this.#vad?.close();
    this.#vad = null;
    this.#speechItemId = null;
    this.#generation++;
  }

  #onSpeechStarted(audioStart: number, td: ServerVadTurnDetection): void {
    const host = this.#host;
    const itemId = newId('item');
    this.#speechItemId = itemId;
    host.turns.buffer.dropBefore(audioStart);
    host.send({
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: Math.round(host.turns.ms(audioStart)),
      item_id: itemId,
    });
    if (td.interrupt_response !== false && host.responding()) host.cancel('turn_detected');
  }

  #onSpeechStopped(audioEnd: number, td: ServerVadTurnDetection): void {
    const host = this.#host;
    const itemId = this.#speechItemId ?? newId('item');
    this.#speechItemId = null;
    host.send({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: Math.round(host.turns.ms(audioEnd)),
      item_id: itemId,
    });
    const committed = host.commit({ itemId, until: audioEnd });
    if (committed && td.create_response !== false && !host.responding()) host.respond();
  }

  /** `idle_timeout_ms` passed without speech after a reply: commit the idle span and answer it. */
  #onIdleTimeout(start: number, end: number): void {
    const host = this.#host;
    if (host.responding()) return;
    const itemId = newId('item');
    host.send({
      type: 'input_audio_buffer.timeout_triggered',
      audio_start_ms: Math.round(host.turns.ms(start)),
      audio_end_ms: Math.round(host.turns.ms(end)),
      item_id: itemId,
    });
    host.turns.buffer.dropBefore(start);
    if (host.commit({ itemId, until: end })) host.respond();
  }
}
