/**
 * The user's side of turn taking: which turn is open, when it is committed, and what the agent's reply
 * should do meanwhile (duck for barge-in, cancel a reply to half a turn). Fed by the on-device
 * endpointer (`client`), the server's VAD events (`server`), or the app (`manual` / `push-to-talk`).
 */
import { SottoError } from '../errors.ts';
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import { EXT_SPECULATIVE_TURN } from '../protocol/index.ts';
import type { MisfireEvent, SpeechStartEvent, TurnEndEvent, TurnEndingEvent, TurnResumedEvent } from '../vad/events.ts';
import type { BargeIn } from './barge-in.ts';
import type { VoiceSessionEvents } from './events.ts';
import type { ReplyController } from './reply-controller.ts';
import type { TurnTracker } from './turn-tracker.ts';

/**
 * Where a turn's audio is in the capture ring: sample positions (client endpointing) or AudioContext times
 * (manual turns), `[start, end)`. `end` is null while the turn is open.
 */
export interface TurnSpan {
  unit: 'sample' | 'time';
  start: number;
  end: number | null;
}

/** What turn taking needs from its session. */
export interface TurnHost {
  readonly ctx: AudioContext;
  readonly tracker: TurnTracker;
  readonly replies: ReplyController;
  readonly bargeIn: BargeIn;
  /** Commit at `turn_ending` (speculative) instead of `turn_end`. */
  readonly eager: boolean;
  /** Listening, unmuted, not closed. */
  accepting(): boolean;
  /** The agent said `session.created` (turns can be committed). */
  agentReady(): boolean;
  /** Who answers the turn being committed. */
  mode(): 'remote' | 'local';
  /** Extensions the server advertised. */
  extensions(): readonly string[];
  /**
   * Called before a turn is committed, with where its audio is: the session may switch to the on-device
   * engine here and hand it the audio. Rejects with a SottoError (the turn is then not committed).
   */
  prepareCommit(turnId: string, span: TurnSpan | null): Promise<void>;
  /** Sends and resolves when handed to the transport; rejects with a SottoError. */
  send(event: ClientEvent): Promise<void>;
  emit<K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void;
  changed(): void;
}

const vadId = (n: number): string => `vad-${String(n)}`;
/** Turn spans kept for read-back. */
const MAX_SPANS = 8;

export class TurnTaking {
  readonly #h: TurnHost;
  #turnId: string | null = null;
  #userSpeaking = false;
  #eagerCommitted: string | null = null;
  /** Audio spans of the open and the recent turns (the last few), by turn id. */
  readonly #spans = new Map<string, TurnSpan>();
  #lastCommitted: string | null = null;

  constructor(host: TurnHost) {
    this.#h = host;
  }

  /** Between the user's onset (or push-to-talk down) and the end of the turn. */
  get userSpeaking(): boolean {
    return this.#userSpeaking;
  }

  // --- client endpointing ---------------------------------------------------------------------------

  speechStart(e: SpeechStartEvent): void {
    if (!this.#h.accepting()) return;
    this.#h.emit('speech_start', e);
    const id = vadId(e.turnId);
    this.#open(id, e.onsetTime, { unit: 'sample', start: e.startSample, end: null });
    const replies = this.#h.replies;
    const awaiting = this.#h.tracker.awaiting;
    // Speech over a reply that plays, or that is on its way: duck it now and let barge-in decide (a cough
    // or "mhm" restores it; a real turn cancels it). With barge-in off, a reply on its way answered half
    // a turn: cancel it.
    const over = replies.audible() || replies.pending(awaiting);
    if (over) replies.claimDuck(id);
    if (!(over && this.#h.bargeIn.speechStart(e.onsetTime, true))) replies.cancelPending(awaiting);
    this.#h.changed();
  }

  turnEnding(e: TurnEndingEvent): void {
    if (!this.#h.accepting()) return;
    this.#h.emit('turn_ending', e);
    this.#h.bargeIn.speechStopped(e.decisionTime);
    const id = this.#turnId;
    if (id === null) return;
    if (this.#h.extensions().includes(EXT_SPECULATIVE_TURN)) {
      const silence = Math.max(0, Math.round((this.#h.ctx.currentTime - e.endTime) * 1000));
      this.#quietly({ type: 'sotto.turn.ending', 'sotto:silence_ms': silence });
    }
    if (this.#h.eager && this.#h.agentReady()) {
      this.#close(id, e.endTime, e.endSample);
      this.#eagerCommitted = id;
      this.#turnId = id; // still the open turn until turn_end or turn_resumed
      void this.commit(id);
    }
    this.#h.changed();
  }

  turnResumed(e: TurnResumedEvent): void {
    if (!this.#h.accepting()) return;
    this.#h.emit('turn_resumed', e);
    this.#userSpeaking = true;
    if (this.#eagerCommitted !== null && this.#eagerCommitted === this.#turnId) {
      this.#eagerCommitted = null;
      this.#h.replies.cancelPending(true);
    }
    // The pause restored a pending duck (a cough?); the user goes on talking over the agent: decide again.
    const replies = this.#h.replies;
    if (replies.audible() || replies.pending(this.#h.tracker.awaiting)) this.#h.bargeIn.speechStart(e.resumeTime, true);
    if (this.#h.extensions().includes(EXT_SPECULATIVE_TURN)) this.#quietly({ type: 'sotto.turn.resumed' });
    this.#h.changed();
  }

  turnEnd(e: TurnEndEvent): void {
    if (!this.#h.accepting()) return;
    this.#h.emit('turn_end', e);
    this.#h.bargeIn.speechStopped(e.decisionTime);
    const id = vadId(e.turnId);
    this.#turnId = null;
    this.#userSpeaking = false;
    if (this.#eagerCommitted === id) {
      // Committed at turn_ending and not resumed since: already answered.
      this.#eagerCommitted = null;
    } else {
      this.#spans.set(id, { unit: 'sample', start: e.startSample, end: e.endSample });
      this.#close(id, e.endTime, e.endSample);
      void this.commit(id);
    }
    this.#h.changed();
  }

  misfire(e: MisfireEvent): void {
    this.#h.emit('misfire', e);
    this.#h.bargeIn.speechStopped(e.decisionTime);
    const id = vadId(e.turnId);
    this.#h.tracker.discard(id);
    if (this.#turnId === id) this.#turnId = null;
    this.#userSpeaking = false;
    this.#h.changed();
  }

  // --- server endpointing ---------------------------------------------------------------------------

  /** The server's VAD events (`endpointing: 'server'`): the server commits and answers by itself. */
  serverEvent(e: ServerEvent): void {
    const now = this.#h.ctx.currentTime;
    switch (e.type) {
      case 'input_audio_buffer.speech_started':
        if (!this.#h.accepting()) return;
        // On the server's audio timeline; the arrival is what this client can stamp.
        this.#open(e.item_id, now);
        this.#h.changed();
        return;
      case 'input_audio_buffer.speech_stopped':
        if (this.#turnId === e.item_id) this.#close(e.item_id, now, null);
        this.#h.changed();
        return;
      case 'input_audio_buffer.committed':
        this.#h.tracker.committed(e.item_id, now);
        this.#h.tracker.acked(now);
        if (this.#turnId === e.item_id) this.#turnId = null;
        this.#h.changed();
        return;
      default:
        return;
    }
  }

  // --- manual turns ---------------------------------------------------------------------------------

  /** Push-to-talk down (or `startTurn()`): a new turn from now. */
  manualStart(): void {
    const now = this.#h.ctx.currentTime;
    if (this.#h.replies.agentSpeaking) {
      this.#h.replies.duck(0, null, now);
      this.#h.replies.interrupt(now);
    } else {
      this.#h.replies.cancelPending(this.#h.tracker.awaiting);
    }
    this.#open(this.#h.tracker.manualId(), now, { unit: 'time', start: now, end: null });
    this.#h.changed();
  }

  /** Push-to-talk up (or `endTurn()` / `commit()`): the open turn (or a new one) ends now and is committed. */
  async manualEnd(markSpeechEnd: boolean): Promise<void> {
    const id = this.#turnId ?? this.#h.tracker.manualId();
    const now = this.#h.ctx.currentTime;
    const span = this.#spans.get(id);
    if (span?.unit === 'time') span.end = now;
    if (markSpeechEnd) this.#h.tracker.mark(id, 'speechEnd', now);
    this.#h.tracker.mark(id, 'endpoint', now);
    this.#turnId = null;
    this.#userSpeaking = false;
    this.#h.changed();
    await this.commit(id);
  }

  /** Mute/stop during a turn: the turn is dropped, never committed. */
  drop(): void {
    if (this.#turnId !== null) this.#h.tracker.discard(this.#turnId);
    this.#turnId = null;
    this.#userSpeaking = false;
    this.#h.bargeIn.speechStopped();
  }

  /**
   * Sends `input_audio_buffer.commit` and asks for the reply (after {@link TurnHost.prepareCommit}).
   * Failures become `error` events.
   */
  async commit(turnId: string): Promise<void> {
    try {
      await this.#h.prepareCommit(turnId, this.#spans.get(turnId) ?? null);
      if (!this.#h.agentReady()) {
        this.#h.tracker.discard(turnId);
        return;
      }
      this.#lastCommitted = turnId;
      const sent = this.#h.send({ type: 'input_audio_buffer.commit' });
      this.#h.tracker.committed(turnId, this.#h.ctx.currentTime, this.#h.mode());
      this.#h.changed();
      await sent;
      this.#h.replies.requestResponse();
    } catch (err) {
      this.#h.emit(
        'error',
        err instanceof SottoError
          ? err
          : new SottoError('not_connected', `could not commit the turn: ${String(err)}`, { cause: err }),
      );
    }
  }

  /** The last committed turn and where its audio is (for answering it again on another agent). */
  lastCommitted(): { turnId: string; span: TurnSpan | null } | null {
    const id = this.#lastCommitted;
    return id === null ? null : { turnId: id, span: this.#spans.get(id) ?? null };
  }

  /** The turn currently open, if any (barge-in marks go there). */
  get turnId(): string | null {
    return this.#turnId;
  }

  #open(id: string, onset: number, span: TurnSpan | null = null): void {
    this.#turnId = id;
    this.#userSpeaking = true;
    this.#h.tracker.mark(id, 'speechStart', onset);
    if (span) {
      this.#spans.set(id, span);
      // Keep the spans of the last few turns only.
      for (const key of this.#spans.keys()) {
        if (this.#spans.size <= MAX_SPANS) break;
        this.#spans.delete(key);
      }
    }
  }

  #close(id: string, speechEnd: number, endSample: number | null): void {
    const span = this.#spans.get(id);
    if (span?.unit === 'sample' && endSample !== null) span.end = endSample;
    this.#h.tracker.mark(id, 'speechEnd', speechEnd);
    this.#h.tracker.mark(id, 'endpoint', this.#h.ctx.currentTime);
    this.#userSpeaking = false;
  }

  #quietly(event: ClientEvent): void {
    this.#h.send(event).catch((err: unknown) => {
      this.#h.emit(
        'error',
        new SottoError('not_connected', `could not send ${event.type}: ${String(err)}`, { cause: err }),
      );
    });
  }
}
