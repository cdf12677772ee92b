/**
 * The agent's replies as the user hears them: which reply is current, when its first sample became
 * audible (on the output tap), when it ended, and how an interruption cancels and truncates it at the
 * heard sample. One reply at a time; a turn taken while a reply is still generated is answered after it.
 */
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import { heardMs, type AgentOutput } from './agent-output.ts';
import type { VoiceSessionEvents } from './events.ts';
import type { TurnTracker } from './turn-tracker.ts';

/** How often the reply's audio start/end is looked for on the output tap, in ms. */
const POLL_MS = 10;
/** A reply with no audible sample this long after `response.done` is finished without audio, in ms. */
const NO_AUDIO_GRACE_MS = 1500;
/** One render quantum at 48 kHz, in s: the tap's time resolution. */
const QUANTUM_S = 128 / 48_000;
/** The agent counts as audible when a sample was heard within this window, in ms. */
export const AUDIBLE_WINDOW_MS = 120;
/** How long after the session's own `response.cancel` a `response_cancel_not_active` answers it, in ms. */
const CANCEL_RACE_MS = 15_000;
/**
 * A reply whose agent goes away before the user heard this much of it (s) did not answer its turn: the
 * turn is asked again (of the next agent, or of the device). A longer fragment stands, truncated at the
 * heard sample, and the user goes on from there.
 */
export const UNHEARD_REPLY_S = 1;

/** What the controller needs from its session. */
export interface ReplyHost {
  readonly ctx: AudioContext;
  readonly tracker: TurnTracker;
  /** The agent's output, once its audio exists. */
  output(): AgentOutput | null;
  /** Sends a client event; failures are reported by the host, never thrown here. */
  send(event: ClientEvent): void;
  emit<K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void;
  /** Something that feeds the conversation state changed. */
  changed(): void;
  /** The reply ended or a new one started (barge-in forgets its decision). */
  agentStopped(): void;
  /** Whether the agent answers the latest turn and merges unanswered ones (it ends turns by itself). */
  answersLatest?(): boolean;
}

interface Reply {
  readonly id: string;
  itemId: string | null;
  startTime: number | null;
  /** The server finished sending its audio (`output_audio_buffer.stopped` / `.cleared`). */
  serverStopped: boolean;
  done: boolean;
  doneAt: number;
  /** Cancelled by the user (barge-in, new speech, push-to-talk): its audio is not played. */
  cancelled: boolean;
  ended: boolean;
}

export class ReplyController {
  readonly #h: ReplyHost;
  #reply: Reply | null = null;
  #agentSpeaking = false;
  #createAfterReply = false;
  #duck: { turnId: string | null; onset: number; at: number } | null = null;
  /** Ducked by a barge-in still being decided: a reply created meanwhile stays ducked. */
  #holding = false;
  #poll: ReturnType<typeof setInterval> | undefined;
  /** When each of the session's own cancels not yet answered by an error was sent (performance.now()). */
  readonly #cancelsSent: number[] = [];
  /** A reply given up on (abandon) before the server said it was done: it may still run there. */
  #abandonedId: string | null = null;

  constructor(host: ReplyHost) {
    this.#h = host;
  }

  /** Reply audio is playing. */
  get agentSpeaking(): boolean {
    return this.#agentSpeaking;
  }

  /** A reply was created and is not audible yet. */
  get awaitingAudio(): boolean {
    const r = this.#reply;
    return r !== null && !r.ended && r.startTime === null;
  }

  /** The current reply is audible (or was, within {@link AUDIBLE_WINDOW_MS}) and not cancelled. */
  audible(): boolean {
    const r = this.#reply;
    if (!r || r.cancelled) return false;
    return this.#agentSpeaking || (this.#h.output()?.audible(AUDIBLE_WINDOW_MS) ?? false);
  }

  /**
   * A reply is playing and the user has heard less than {@link UNHEARD_REPLY_S} of it. When its agent goes
   * away now (it died, or the session switches to the device), the reply did not answer the turn: the turn
   * is asked again rather than left with a fragment.
   */
  cutShort(): boolean {
    const r = this.#reply;
    if (!r || r.ended || r.cancelled || r.startTime === null) return false;
    const last = this.#h.output()?.lastHeardTime() ?? r.startTime;
    return Math.max(0, last - r.startTime) < UNHEARD_REPLY_S;
  }

  /**
   * A reply is on its way but not audible yet: created and not cancelled, or (`requested`) asked for with
   * `response.create` and not created yet.
   */
  pending(requested: boolean): boolean {
    const r = this.#reply;
    if (r && !r.ended) return !r.cancelled && r.startTime === null;
    return requested;
  }

  /** Asks for a reply now, or after the one still being generated. */
  requestResponse(): void {
    const r = this.#reply;
    if (r && !r.done && !r.cancelled) this.#createAfterReply = true;
    else this.#h.send({ type: 'response.create' });
  }

  /** Barge-in: lower the agent now; `turnId`/`onset` is the user's turn that caused it. */
  duck(gain: number, turnId: string | null, onset: number): void {
    const at = this.#h.output()?.duck(gain) ?? this.#h.ctx.currentTime;
    this.#duck = { turnId, onset, at };
    this.#holding = true;
  }

  /**
   * The user's turn `turnId` began over a duck made on a first hint of speech (before there was a turn):
   * an interruption it confirms is that turn's.
   */
  claimDuck(turnId: string): void {
    if (this.#duck && this.#duck.turnId === null) this.#duck.turnId = turnId;
  }

  /** Barge-in not confirmed: the agent comes back. */
  restore(): void {
    this.#duck = null;
    this.#holding = false;
    this.#h.output()?.restore();
  }

  /**
   * The user interrupts (barge-in confirmed, push-to-talk, typed text): cancel and truncate at the heard
   * sample. A reply not audible yet is cancelled without a truncation (`requested`: also one that
   * `response.create` is about to start), as {@link cancelPending}.
   */
  interrupt(onset: number, requested = false): void {
    this.#holding = false;
    const reply = this.#reply;
    if (!reply || reply.ended || reply.startTime === null) {
      this.cancelPending(requested);
      return;
    }
    if (reply.cancelled) return;
    const duck = this.#duck ?? { turnId: null, onset, at: this.#h.output()?.duck(0) ?? this.#h.ctx.currentTime };
    // The last sample the user heard: the tap's view of the element after the duck took effect. Ducked
    // before the reply became audible: nothing was heard (playedMs 0).
    const heard = this.#h.output()?.lastHeardTime() ?? null;
    const silentTime = heard !== null && heard > onset && heard <= duck.at + 0.05 ? heard : Math.max(onset, duck.at);
    // Never past the last sample the user heard: a reply that had just played out is cut where it ended
    // (an audio_end_ms beyond the audio sent is an error for the server).
    const cut = heard !== null && heard >= reply.startTime ? Math.min(silentTime, heard + QUANTUM_S) : silentTime;
    const playedMs = heardMs(reply.startTime, cut);
    reply.cancelled = true;
    if (!reply.done) this.#cancel(reply.id);
    this.#h.send({ type: 'output_audio_buffer.clear' });
    // Once the server has sent all of the reply (`output_audio_buffer.stopped`), only its last jitter-buffered
    // moments are left to play: the item stays whole. A truncation there could also name a point past the
    // audio sent (playout stretches time), which servers reject.
    if (reply.itemId !== null && !reply.serverStopped) {
      this.#h.send({
        type: 'conversation.item.truncate',
        item_id: reply.itemId,
        content_index: 0,
        audio_end_ms: playedMs,
      });
    }
    if (duck.turnId !== null) {
      this.#h.tracker.mark(duck.turnId, 'bargeInOnset', onset);
      this.#h.tracker.mark(duck.turnId, 'bargeInSilent', silentTime);
    }
    this.#h.emit('interrupted', { responseId: reply.id, itemId: reply.itemId, onsetTime: onset, silentTime, playedMs });
    this.#end(reply, Math.max(silentTime, reply.startTime), true);
  }

  /**
   * The user talks again before the reply is heard: that reply answered half a turn. Cancels a created
   * reply that is not audible yet, or (`requested`) one that `response.create` is about to start.
   */
  cancelPending(requested: boolean): void {
    // The tap may have heard the reply's first sample since the last poll: then it is audible, and is
    // reported (and interrupted by barge-in, with a truncation) instead of cancelled as never heard.
    this.#pollOutput();
    const reply = this.#reply;
    if (reply && !reply.cancelled && !reply.ended && reply.startTime === null) {
      reply.cancelled = true;
      this.#h.output()?.duck(0);
      if (!reply.done) this.#cancel(reply.id);
      this.#h.send({ type: 'output_audio_buffer.clear' });
      this.#end(reply, this.#h.ctx.currentTime, true);
    } else if ((!reply || reply.ended) && requested) {
      this.#cancel();
    }
  }

  /**
   * The server answered `response_cancel_not_active`: whether that answers a cancel the session sent
   * itself in the last {@link CANCEL_RACE_MS} (then it is the race "the reply had already ended, or never
   * started, by the time the cancel arrived", common right after a link stall, and the state the cancel
   * wanted holds; one such answer is consumed per cancel). A cancel the app sent itself is not counted.
   */
  ownCancelRace(): boolean {
    const now = performance.now();
    while (this.#cancelsSent.length > 0 && now - (this.#cancelsSent[0] ?? 0) > CANCEL_RACE_MS)
      this.#cancelsSent.shift();
    return this.#cancelsSent.shift() !== undefined;
  }

  #cancel(responseId?: string): void {
    this.#cancelsSent.push(performance.now());
    if (this.#cancelsSent.length > 8) this.#cancelsSent.shift();
    this.#h.send(
      responseId === undefined ? { type: 'response.cancel' } : { type: 'response.cancel', response_id: responseId },
    );
  }

  /**
   * The agent answering changed (the link died, or came back): the current reply will not go on. Its end
   * is reported (as interrupted when it was heard), any duck is lifted and a queued `response.create` is
   * dropped. Nothing is sent.
   */
  abandon(): void {
    this.#createAfterReply = false;
    this.#holding = false;
    this.#duck = null;
    const reply = this.#reply;
    if (reply && !reply.ended) {
      reply.cancelled = true;
      this.#end(reply, this.#h.output()?.lastHeardTime() ?? this.#h.ctx.currentTime, reply.startTime !== null);
    }
    if (reply && !reply.done) this.#abandonedId = reply.id;
    this.#h.output()?.restore();
  }

  /**
   * Before asking the same agent again after giving up on its reply (the link stalled under it): that
   * reply may still be running on the server, and a `response.create` over it would be refused. It is
   * cancelled (a `response_cancel_not_active` answer is the session's own, not reported).
   */
  cancelAbandoned(): void {
    const id = this.#abandonedId;
    this.#abandonedId = null;
    if (id !== null) this.#cancel(id);
  }

  /** The agent's output (re)appeared: look for the current reply on it. */
  outputAttached(out: AgentOutput): void {
    if (this.#reply && !this.#reply.ended) out.armReply();
  }

  /** Follows the reply through the server's events. */
  onServerEvent(event: ServerEvent): void {
    const reply = this.#reply;
    switch (event.type) {
      case 'response.created':
        this.#created(event.response.id);
        this.#h.emit('response_created', event.response);
        return;
      case 'response.output_item.added':
        if (reply?.id === event.response_id && event.item.type === 'message' && event.item.role === 'assistant') {
          reply.itemId = event.item.id;
        }
        return;
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        if (reply) reply.serverStopped = true;
        return;
      case 'response.done':
        if (this.#abandonedId === event.response.id) this.#abandonedId = null;
        if (reply?.id === event.response.id) {
          reply.done = true;
          reply.doneAt = performance.now();
          if (event.response.status !== 'completed') reply.serverStopped = true;
        }
        this.#h.emit('response_done', event.response);
        if (this.#createAfterReply && reply?.id === event.response.id) {
          this.#createAfterReply = false;
          this.#h.send({ type: 'response.create' });
        }
        return;
      default:
        return;
    }
  }

  close(): void {
    clearInterval(this.#poll);
  }

  #created(id: string): void {
    const previous = this.#reply;
    if (previous && !previous.ended) this.#end(previous, this.#h.ctx.currentTime, previous.cancelled);
    if (!this.#holding) {
      // A duck left from the last interruption is lifted for the new reply; a barge-in still being
      // decided keeps it (the user may be starting a new turn).
      this.#duck = null;
      this.#h.output()?.restore();
      this.#h.agentStopped();
    }
    this.#h.tracker.replyCreated(id, this.#h.ctx.currentTime, this.#h.answersLatest?.() ?? false);
    this.#reply = {
      id,
      itemId: null,
      startTime: null,
      serverStopped: false,
      done: false,
      doneAt: 0,
      cancelled: false,
      ended: false,
    };
    this.#h.output()?.armReply();
    clearInterval(this.#poll);
    this.#poll = setInterval(() => {
      this.#pollOutput();
    }, POLL_MS);
  }

  /** Looks for the reply's first audible sample and its end, on the output tap. */
  #pollOutput(): void {
    const reply = this.#reply;
    const out = this.#h.output();
    if (!reply || reply.ended) {
      clearInterval(this.#poll);
      return;
    }
    const ctx = this.#h.ctx;
    if (reply.startTime === null && out && !reply.cancelled) {
      const start = out.replyStartTime();
      if (start !== null) {
        reply.startTime = start;
        // The tap hears the track in the audio graph; the device plays it `outputLatency` later.
        const played = start + (ctx.outputLatency || ctx.baseLatency || 0);
        this.#h.tracker.firstAudio(reply.id, start, played);
        this.#agentSpeaking = true;
        this.#h.emit('agent_audio_start', { responseId: reply.id, time: start });
        const m = this.#h.tracker.finishReply(reply.id);
        if (m) this.#h.emit('metrics', m);
        this.#h.changed();
      }
    }
    if (reply.startTime !== null && reply.serverStopped && !(out?.audible(AUDIBLE_WINDOW_MS) ?? false)) {
      this.#end(reply, out?.lastAudibleTime() ?? ctx.currentTime, false);
    } else if (reply.startTime === null && reply.done && performance.now() - reply.doneAt > NO_AUDIO_GRACE_MS) {
      const m = this.#h.tracker.finishReply(reply.id);
      if (m) this.#h.emit('metrics', m);
      this.#end(reply, ctx.currentTime, false);
    }
  }

  #end(reply: Reply, time: number, interrupted: boolean): void {
    if (reply.ended) return;
    reply.ended = true;
    if (reply === this.#reply) clearInterval(this.#poll);
    if (reply.startTime !== null) this.#h.emit('agent_audio_end', { responseId: reply.id, time, interrupted });
    else this.#h.tracker.finishReply(reply.id);
    this.#agentSpeaking = false;
    this.#h.agentStopped();
    this.#h.changed();
  }
}
