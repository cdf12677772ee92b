/**
 * The conversation outlives its agent: the client holds the conversation ({@link ConversationLog}) and
 * watches the remote agent. A reply that does not start within `replyTimeoutMs` of `response.create`, a
 * heartbeat that stops during a reply, or the agent leaving the room (its job crashed) is reported
 * (`agent_unresponsive`) and never leaves the session `thinking` or `agent-speaking`: with the fallback
 * the device answers the turn; without it the turn is kept and, when an agent announces a session again
 * (the worker re-dispatches the room), that agent is handed the conversation it does not know and asked
 * the turn again (its audio re-sent from the capture ring).
 *
 * Turns that end while the link is down are held, never sent into it, and asked once the link is back:
 * of the same agent (a resumed link) as soon as nothing is in progress, or of the next one. A turn sent
 * just before the link was found down is left to the same agent's late answer (its queued request
 * reaches it when the link comes back), and asked again if none started within a second of the link
 * being usable again.
 */
import type { RingReader } from '../audio/ring-buffer.ts';
import { SottoError } from '../errors.ts';
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import type { Transport } from '../transport/types.ts';
import { ConversationLog, logEvents, type LogLine } from './conversation-log.ts';
import type { VoiceSessionEvents } from './events.ts';
import type { AnswerMode } from './fallback-policy.ts';
import type { OfflineTurn } from '../offline/types.ts';
import type { ReplyController } from './reply-controller.ts';
import { appendEvents } from './reask-audio.ts';
import { readTurnAudio, spanPosition } from './turn-audio.ts';
import type { TurnSpan, TurnTaking } from './turn-taking.ts';
import type { Transcript } from './transcripts.ts';
import type { TurnTracker } from './turn-tracker.ts';

/** Default of {@link ContinuityOptions.replyTimeoutMs}. */
export const REPLY_TIMEOUT_MS = 5000;
const TICK_MS = 250;
/** How long the link must stay down during a reply before the agent counts as unresponsive, in ms. */
const DOWN_GRACE_MS = 2000;
/**
 * A turn sent to the agent before the link stalled is left this long, once the link is usable again, to
 * its late answer (the request waited in the stalled link; its `response.created` comes before the
 * heartbeat's answer on the same channel), in ms. Then it counts as not heard and is asked again.
 */
const LATE_ANSWER_MS = 1000;
/** Who said a line the device answered. */
const DEVICE = 'device';
/**
 * Turns held for the next agent are asked as one span of at most this long (older audio is left out; the
 * capture ring keeps 30 s).
 */
const MAX_HELD_S = 20;
/** The capture ring's rate (sample spans). */
const RING_RATE = 16_000;

/**
 * The span from `earlier`'s start to `later`'s end when both are known and in the same unit, at most
 * {@link MAX_HELD_S} long (the oldest audio is cut); `later` alone when nothing of `earlier` fits.
 */
export function joinSpans(earlier: TurnSpan | null, later: TurnSpan | null): TurnSpan | null {
  if (earlier === null || later === null) return later;
  if (earlier.unit !== later.unit || later.end === null || earlier.start > later.start) return later;
  const limit = later.unit === 'sample' ? MAX_HELD_S * RING_RATE : MAX_HELD_S;
  const from = Math.max(earlier.start, later.end - limit);
  if (earlier.end !== null && earlier.end <= from) return later;
  return from >= later.start ? later : { unit: later.unit, start: from, end: later.end };
}

export interface ContinuityOptions {
  /**
   * How long after `response.create` the agent's reply must have started (`response.created`) before
   * the agent counts as unresponsive, in ms. Default 5000.
   */
  replyTimeoutMs?: number;
}

/** What continuity needs from its session. */
export interface ContinuityHost {
  readonly turns: TurnTaking;
  readonly tracker: TurnTracker;
  readonly replies: ReplyController;
  /** Who answers now. */
  mode(): AnswerMode;
  remote(): Transport | null;
  /** The remote agent announced a session on the current connection. */
  agentReady(): boolean;
  /** The capture ring (client endpointing / fallback), or null. */
  ring(): RingReader | null;
  /**
   * The agent stopped answering: the fallback may take the turn (returns true when it did, `auto` with
   * the engine), else the session keeps it for the next agent.
   */
  failover(): boolean;
  emit<K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void;
  update(): void;
}

export class AgentContinuity {
  readonly #h: ContinuityHost;
  readonly #timeoutMs: number;
  readonly #log = new ConversationLog();
  /** The remote agent's current session id (from its `session.created`). */
  #sessionId: string | null = null;
  /** When `response.create` went to the remote agent without a `response.created` since (performance.now()). */
  #askedAt: number | null = null;
  /**
   * A turn committed to the agent session `sessionId` and not answered (its reply never started), with
   * when that was found (performance.now()).
   */
  #unanswered: { turnId: string; span: TurnSpan | null; sessionId: string | null; at: number } | null = null;
  /** Turns that ended while no agent could take them (never sent), joined into one span. */
  #held: { turnId: string; span: TurnSpan | null } | null = null;
  /** Since when the link has been usable for turns (performance.now()), or null while it is not. */
  #usableSince: number | null = null;
  /** A re-ask is being sent. */
  #asking = false;
  /** Since when the link has been down (performance.now()), or null. */
  #downSince: number | null = null;
  /** The turn that was open when the agent announced itself: the agent heard only its tail. */
  #partial: string | null = null;
  readonly #tick: ReturnType<typeof setInterval>;

  constructor(host: ContinuityHost, options: ContinuityOptions = {}) {
    this.#h = host;
    this.#timeoutMs = options.replyTimeoutMs ?? REPLY_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) throw new RangeError(`replyTimeoutMs must be > 0, got ${String(this.#timeoutMs)}`);
    this.#tick = setInterval(() => {
      this.#check();
    }, TICK_MS);
  }

  /** A client event goes to whoever answers (`ok` false: it could not be sent after all). */
  sent(event: ClientEvent, ok: boolean): void {
    if (event.type !== 'response.create') return;
    if (!ok || this.#stockAgent()) this.#askedAt = null;
    else if (this.#h.mode() === 'remote') this.#askedAt ??= performance.now();
  }

  /**
   * A stock LiveKit Agents agent answers on its own schedule (its own endpointing, its own LLM): there is
   * no `response.create` of ours to time, and no Realtime session to hand a conversation to.
   */
  #stockAgent(): boolean {
    const t = this.#h.remote();
    return t !== null && 'agentProtocol' in t && t.agentProtocol === 'livekit-agents';
  }

  /** A server event of the agent answering now (`local`: the on-device engine's). */
  serverEvent(event: ServerEvent, local: boolean, transcript: Transcript | null): void {
    if (local) return;
    if (transcript?.final) this.#log.add(transcript.role, transcript.text, this.#sessionId ?? 'remote');
    if (event.type === 'response.created') {
      this.#askedAt = null;
      // The agent answers what it was sent (also a request that waited in a stalled link).
      if (this.#unanswered?.sessionId === this.#sessionId) this.#unanswered = null;
    }
  }

  /** The remote agent announced a session: a new one (re-dispatched job) gets the conversation. */
  agentSession(sessionId: string): void {
    const fresh = sessionId !== this.#sessionId;
    this.#sessionId = sessionId;
    this.#askedAt = null;
    // A turn already open (the user spoke through a rejoin, or before the agent's job joined): its start
    // never reached this agent, so its commit carries the whole turn from the ring (resendPartial).
    this.#partial = this.#h.turns.userSpeaking ? this.#h.turns.turnId : null;
    // A reply asked of the agent before a new one and not started will not come: the new agent never got
    // the request (its turn is asked again below).
    const { tracker, replies } = this.#h;
    const stranded = (tracker.awaiting || replies.pending(false)) && !replies.agentSpeaking;
    if (fresh && this.#h.mode() === 'remote' && stranded) {
      const last = this.#h.turns.lastCommitted();
      if (last && this.#unanswered?.turnId !== last.turnId)
        this.#unanswered = { ...last, sessionId: null, at: performance.now() };
      replies.abandon();
      tracker.abandonPending();
      this.#h.update();
    }
    this.#asking = true;
    void this.#reachable()
      .then(() => this.#deliver('new_agent', 0))
      .then(() => this.#reask())
      .finally(() => {
        this.#asking = false;
      });
  }

  /** The remote agent left the room. */
  agentLeft(): void {
    this.#unresponsive('the agent left the room');
  }

  /**
   * A turn ended while no remote agent is ready (it crashed, the link is rejoining, or it has not joined
   * yet) and no fallback takes it: reported, and asked of the agent that announces itself next.
   */
  hold(turnId: string, span: TurnSpan | null): void {
    // Turns spoken one after another while no agent was ready are asked together (the user's words in order).
    this.#held = { turnId, span: joinSpans(this.#held?.span ?? null, span) };
    this.#h.emit(
      'error',
      new SottoError(
        'agent_unresponsive',
        'no agent can take the turn now (the link is down, or the agent has not announced itself): it is asked once one can',
      ),
    );
  }

  /**
   * Before a remote commit: a turn that was open when the agent announced itself, or that began before
   * the agent's audio from the mic was flowing (its heartbeat says: a fresh agent's subscription to the
   * mic can lag its announcement by seconds on a loaded machine), is sent whole (clear, then its audio
   * from the capture ring), so the agent answers what was said, not the tail it heard (or an empty
   * buffer). A turn still waiting for an agent (held, or never answered) goes with it: the audio sent
   * runs from that turn's start to this one's end.
   */
  async resendPartial(turnId: string, span: TurnSpan | null): Promise<void> {
    const open = this.#partial === turnId;
    if (open) this.#partial = null;
    const partial = open || this.#missedStart(span);
    this.#lateAnswerDue(performance.now());
    const earlier = this.#notHeard();
    const held = earlier?.turnId === turnId ? null : earlier;
    const joined = held ? joinSpans(held.span, span) : null;
    const withHeld = joined !== null && joined !== span;
    if (!partial && !withHeld) return;
    if (withHeld) this.#forgetNotHeard();
    const t = this.#h.remote();
    const ring = this.#h.ring();
    const send = withHeld ? joined : span;
    if (!t || !send || !ring || this.#h.mode() !== 'remote') return;
    const audio = readTurnAudio(ring, send);
    if (audio.samples.length === 0) return;
    this.#h.replies.cancelAbandoned();
    await t.send({ type: 'input_audio_buffer.clear' });
    for (const e of appendEvents(audio.samples)) await t.send(e);
  }

  /**
   * Whether the agent missed the start of the turn at `span`: by its latest heartbeat it did not hear the
   * mic, or its audio from the mic has run without a gap only since after the turn began. False when it
   * does not say (a server without it, or no pong yet from a new agent).
   */
  #missedStart(span: TurnSpan | null): boolean {
    const since = this.#h.remote()?.micHeardSince?.();
    if (since === undefined || span === null) return false;
    if (since === null) return true;
    const ring = this.#h.ring();
    if (!ring) return false;
    const start = spanPosition(ring, span, span.start);
    if (!Number.isFinite(start)) return false;
    const began = performance.now() - ((ring.writePosition() - start) / ring.sampleRate) * 1000;
    return since > began;
  }

  /** The device answered these exchanges offline; back to remote, the agent is told. */
  async offlineTurns(turns: readonly OfflineTurn[]): Promise<void> {
    for (const t of turns) {
      this.#log.add('user', t.user, DEVICE);
      const heard = t.status === 'completed' ? t.reply : t.heardReply;
      this.#log.add('assistant', heard ?? '', DEVICE);
    }
    await this.#deliver('back_online', turns.length);
  }

  close(): void {
    clearInterval(this.#tick);
  }

  /**
   * What the current agent has not heard: the turns held while no agent could take them, joined after a
   * turn sent to another agent (or to this one, and not answered within the timeout once the link was
   * back) that was never answered.
   */
  #notHeard(): { turnId: string; span: TurnSpan | null } | null {
    const u = this.#unanswered;
    const sent = u !== null && u.sessionId !== this.#sessionId ? u : null;
    const held = this.#held;
    if (!sent) return held;
    if (!held) return { turnId: sent.turnId, span: sent.span };
    return { turnId: held.turnId, span: joinSpans(sent.span, held.span) };
  }

  #forgetNotHeard(): void {
    this.#held = null;
    if (this.#unanswered?.sessionId !== this.#sessionId) this.#unanswered = null;
  }

  /** The link can take turns: the agent announced itself, the transport is connected, the link is not down. */
  #usable(): boolean {
    const t = this.#h.remote();
    return this.#h.agentReady() && t !== null && t.status === 'connected' && t.health.level !== 'down';
  }

  /**
   * Asks what the agent has not heard once the link is usable and nothing is in progress; a turn the same
   * agent was sent before the link stalled gets `timeoutMs` from the link's return to be answered first.
   */
  #askWhenBack(now: number): void {
    this.#usableSince = this.#usable() ? (this.#usableSince ?? now) : null;
    if (this.#usableSince === null || this.#asking) return;
    // A late answer may still come for a turn this agent was sent: asking over it would collide with it.
    if (!this.#lateAnswerDue(now)) return;
    if (this.#notHeard() === null || this.#busy()) return;
    this.#asking = true;
    void this.#reask().finally(() => {
      this.#asking = false;
    });
  }

  /**
   * Whether a turn the current agent was sent and did not answer is past waiting for its late answer
   * ({@link LATE_ANSWER_MS} of a usable link); it then counts as not heard. True when there is none.
   */
  #lateAnswerDue(now: number): boolean {
    const u = this.#unanswered;
    if (u?.sessionId !== this.#sessionId) return true;
    const since = this.#usableSince;
    if (since === null || now - Math.max(since, u.at) < LATE_ANSWER_MS) return false;
    u.sessionId = null;
    return true;
  }

  /** The user is speaking, a reply is asked for, coming or playing. */
  #busy(): boolean {
    const { turns, tracker, replies } = this.#h;
    return turns.userSpeaking || tracker.awaiting || replies.pending(false) || replies.agentSpeaking;
  }

  #check(): void {
    if (this.#h.mode() !== 'remote') {
      this.#askedAt = null;
      this.#usableSince = null;
      return;
    }
    this.#askWhenBack(performance.now());
    if (this.#stockAgent()) this.#askedAt = null;
    const asked = this.#askedAt;
    if (asked !== null && performance.now() - asked > this.#timeoutMs) {
      this.#unresponsive(`no reply started within ${String(this.#timeoutMs)} ms`);
      return;
    }
    const replying = this.#h.tracker.awaiting || this.#h.replies.awaitingAudio || this.#h.replies.agentSpeaking;
    const down = this.#h.remote()?.health.level === 'down';
    const now = performance.now();
    // A link that is down for a moment (LiveKit resuming through a lossy network) is not a dead agent:
    // only a link down for DOWN_GRACE_MS during a reply is.
    // Counted only while a reply is under way: a reply that starts as the link comes back (the agent's
    // answer to a request that waited in it) is not taken for one on a dead link.
    this.#downSince = down && replying ? (this.#downSince ?? now) : null;
    if (replying && this.#downSince !== null && now - this.#downSince >= DOWN_GRACE_MS) {
      this.#downSince = null;
      this.#unresponsive('the agent stopped answering');
    }
  }

  #unresponsive(why: string): void {
    this.#askedAt = null;
    if (this.#h.mode() !== 'remote') return;
    const { tracker, replies, turns } = this.#h;
    // A reply cut before the user heard a second of it did not answer the turn either.
    const unanswered = tracker.awaiting || replies.pending(false) || replies.cutShort();
    const busy = unanswered || replies.agentSpeaking;
    this.#h.emit(
      'error',
      new SottoError(
        'agent_unresponsive',
        `${why}${busy ? (unanswered ? ': the turn is asked again' : ': its reply stopped') : ''}`,
      ),
    );
    if (!busy) return;
    if (this.#h.failover()) return; // the device answers it
    const last = turns.lastCommitted();
    if (unanswered && last) {
      // A re-asked turn keeps the span it was asked with (the turns held before it too).
      const span = this.#unanswered?.turnId === last.turnId ? this.#unanswered.span : last.span;
      this.#unanswered = { turnId: last.turnId, span, sessionId: this.#sessionId, at: performance.now() };
    }
    replies.abandon();
    tracker.abandonPending();
    this.#h.update();
  }

  /**
   * Waits (up to 3 s) until the new agent has answered a heartbeat: events sent to an agent that has just
   * announced itself can be lost while the server still makes it active (see `agentAnswers`).
   */
  async #reachable(): Promise<void> {
    const t = this.#h.remote();
    if (!t?.agentAnswers || this.#stockAgent() || !(await connected(t))) return;
    await t.agentAnswers(3000);
  }

  /** Hands the remote agent the lines it does not know. */
  async #deliver(reason: 'new_agent' | 'back_online', offline: number): Promise<void> {
    const t = this.#h.remote();
    const sid = this.#sessionId;
    if (!t || sid === null || !(await connected(t))) return;
    const lines: LogLine[] = this.#log.take(sid);
    if (lines.length === 0) return;
    try {
      for (const e of logEvents(lines)) await t.send(e);
      this.#h.emit('handover', { turns: offline, items: lines.length, reason });
    } catch (e) {
      this.#h.emit(
        'error',
        new SottoError('not_connected', `the conversation could not be handed over: ${String(e)}`, { cause: e }),
      );
    }
  }

  /**
   * Asks the agent what it has not heard (turns held, or one its predecessor never answered): their audio
   * again, then commit. Once sent, the turn waits for this agent's answer (a later agent is asked it again).
   */
  async #reask(): Promise<void> {
    const t = this.#h.remote();
    const ring = this.#h.ring();
    if (this.#notHeard() === null || !t || !(await connected(t))) return;
    // The user is speaking: the held turn goes with that turn's commit (resendPartial), not over it.
    if (this.#h.turns.userSpeaking) return;
    const turn = this.#notHeard();
    if (!turn || this.#h.mode() !== 'remote' || this.#h.tracker.awaiting) return;
    const sessionId = this.#sessionId;
    this.#forgetNotHeard();
    if (!turn.span || !ring) return;
    const audio = readTurnAudio(ring, turn.span);
    if (audio.samples.length === 0) return;
    this.#unanswered = { turnId: turn.turnId, span: turn.span, sessionId, at: performance.now() };
    try {
      // A reply of this agent given up on when the link stalled may still run there.
      this.#h.replies.cancelAbandoned();
      // What the new agent heard so far is not this turn: its buffer holds only what came since it joined.
      await t.send({ type: 'input_audio_buffer.clear' });
      for (const e of appendEvents(audio.samples)) await t.send(e);
    } catch {
      return; // the agent went away again; the next one is asked
    }
    await this.#h.turns.commit(turn.turnId);
  }
}

/** Waits (up to 10 s) for `t` to be connected: `session.created` may come before a rejoin completes. */
async function connected(t: Transport): Promise<boolean> {
  for (let i = 0; i < 20 && t.status !== 'connected'; i++) {
    if (t.status === 'closed') return false;
    await t.next('status', 500).catch(() => undefined);
  }
  return t.status === 'connected';
}
