import type { OutputTapStats } from '../audio/output-tap.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import type { SessionStats } from '../metrics/collector.ts';
import type { TurnMetrics } from '../metrics/timeline.ts';
import type { ClientEvent, SessionConfig } from '../protocol/index.ts';
import type { LocalTransport } from '../offline/local-transport.ts';
import type { Transport } from '../transport/types.ts';
import type { AgentContinuity } from './agent-continuity.ts';
import type { BargeIn } from './barge-in.ts';
import { connectSession, type SessionStartup } from './connect-session.ts';
import type { ReadinessTimeline } from './readiness.ts';
import { conversationState, type ConversationState } from './conversation-state.ts';
import { Fallback } from './fallback.ts';
import { fallbackHost, type SessionParts } from './fallback-bridge.ts';
import type { AnswerMode, FallbackMode } from './fallback-policy.ts';
import type { RemoteAgent } from './remote-agent.ts';
import type { AgentAudio } from './agent-audio.ts';
import type { ModeChange, VoiceSessionEvents } from './events.ts';
import type { ConnectOptions } from './options.ts';
import type { ReplyController } from './reply-controller.ts';
import type { SessionCapture } from './session-capture.ts';
import type { SessionMic } from './session-mic.ts';
import { wireParts } from './session-wiring.ts';
import type { TurnTaking } from './turn-taking.ts';
import type { TurnTracker } from './turn-tracker.ts';

/**
 * A voice conversation with a Realtime-style agent: the mic goes up through a {@link Transport} (LiveKit
 * by default), the on-device endpointer ends the user's turns, the agent's reply plays through a media
 * element, barge-in cuts it at what was heard, and every turn gets a latency timeline.
 *
 * With `offline` models, the on-device engine answers when the link is down (`fallback`), from the same
 * capture ring, so a turn the user was speaking when the link died is answered whole.
 *
 * Create it with {@link VoiceSession.connect}. `close()` closes the transports and the on-device engine,
 * stops the VAD worker and the capture worklet, stops the microphone the session opened (a `mediaStream`
 * the app passed in is NOT stopped), closes the AudioContext it created (one passed in is not), and removes
 * the audio elements.
 */
export class VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  // The session keeps what changes over its life (the fallback, closing, the state); its parts are built
  // and wired to each other in session-wiring.ts, and connect() runs in connect-session.ts.
  readonly #opts: ConnectOptions;
  /** The remote agent and its transport (LiveKit, or the app's; none with `fallback: 'force'`). */
  readonly #remote: RemoteAgent;
  #fallback: Fallback | null = null;
  /** The microphone: its stream, listening, mute and push-to-talk. */
  readonly #mic: SessionMic;
  readonly #ctx: AudioContext;
  readonly #ownsCtx: boolean;
  readonly #endpointing: NonNullable<ConnectOptions['endpointing']>;
  readonly #tracker: TurnTracker;
  readonly #bargeIn: BargeIn;
  readonly #replies: ReplyController;
  readonly #turns: TurnTaking;
  readonly #continuity: AgentContinuity;
  readonly #audio: AgentAudio;
  /** The capture ring and the VAD (client endpointing, or the fallback's read-back). */
  readonly #capture: SessionCapture;
  readonly #bridge: SessionParts;
  #state: ConversationState = 'connecting';
  #closed = false;
  /** Inside `connect()`: events the app cannot have subscribed to yet are deferred by a task. */
  #connecting = true;
  /**
   * Errors reported inside `connect()` (a preloaded VAD's, the end-of-turn model failing to load while the
   * room joins): held, and emitted once `connect()` has returned, so an app that subscribes right after
   * `await connect()` gets them.
   */
  readonly #earlyErrors: SottoError[] = [];

  private constructor(opts: ConnectOptions, transport: Transport | null, mic: MediaStream, ctx: AudioContext) {
    super();
    this.#opts = opts;
    this.#ctx = ctx;
    this.#ownsCtx = !opts.audioContext;
    const parts = wireParts(opts, transport, mic, ctx, {
      mode: () => this.mode,
      transport: () => this.transport,
      fallback: () => this.#fallback,
      closed: () => this.#closed,
      remoteClosed: () => {
        if (this.#fallback) return true;
        if (!this.#closed) {
          this.#closed = true;
          void this.#release();
        }
        return false;
      },
      send: (event) => this.send(event),
      sendQuietly: (event) => {
        this.#sendQuietly(event);
      },
      emit: (name, payload) => {
        if (name === 'error' && this.#connecting) this.#earlyErrors.push(payload as SottoError);
        else this.emit(name, payload);
      },
      emitMode: (m) => {
        this.#emitMode(m);
      },
      changed: () => {
        this.#update();
      },
    });
    this.#endpointing = parts.endpointing;
    this.#tracker = parts.tracker;
    this.#replies = parts.replies;
    this.#bargeIn = parts.bargeIn;
    this.#audio = parts.audio;
    this.#remote = parts.remote;
    this.#turns = parts.turns;
    this.#continuity = parts.continuity;
    this.#mic = parts.mic;
    this.#capture = parts.capture;
    this.#bridge = parts.bridge;
  }

  /**
   * Connects, publishes the microphone, starts the on-device endpointer (client endpointing) and resolves
   * once the link is up; the state becomes `listening` when the agent says `session.created`. Rejects
   * with a {@link SottoError} (`unsupported_browser`, `token_rejected`, `server_unreachable`,
   * `connect_timeout`, `mic_permission_denied`, `no_microphone`); nothing is left open on failure.
   */
  static connect(opts: ConnectOptions): Promise<VoiceSession> {
    return connectSession(opts, (transport, mic, ctx, fallback) =>
      new VoiceSession(opts, transport, mic, ctx).#startup(fallback),
    );
  }

  /** The VAD's cold start (load, warm-up, live) on the page's clock; null without client endpointing. */
  get readiness(): ReadinessTimeline | null {
    return this.#capture.readiness;
  }

  /** The conversation state (see {@link ConversationState}). */
  get state(): ConversationState {
    return this.#state;
  }

  /** The AudioContext whose clock stamps every measurement of this session. */
  get audioContext(): AudioContext {
    return this.#ctx;
  }

  /**
   * The transport that answers now: the remote one (LiveKit, or the one passed in) or, in local mode, the
   * on-device engine's.
   */
  get transport(): Transport {
    const local = this.#fallback?.local;
    if (this.mode === 'local' && local) return local;
    return this.#remote.transport ?? (local as Transport);
  }

  /** The remote transport, also while the on-device engine answers (null with `fallback: 'force'`). */
  get remoteTransport(): Transport | null {
    return this.#remote.transport;
  }

  /** The on-device engine's transport once it is loaded (with `offline`), else null. */
  get localTransport(): LocalTransport | null {
    return this.#fallback?.local ?? null;
  }

  /** Who answers: the remote agent or the on-device engine. */
  get mode(): AnswerMode {
    return this.#fallback?.active ?? 'remote';
  }

  /** Whether the microphone is muted (nothing leaves the device). */
  get muted(): boolean {
    return this.#mic.muted;
  }

  /** Whether the session is listening (`start()`ed and not `stop()`ped). */
  get listening(): boolean {
    return this.#mic.listening;
  }

  /** What the agent's audio track has delivered so far (null before the agent's audio arrives). */
  agentAudio(): OutputTapStats | null {
    return this.#audio.output?.stats() ?? null;
  }

  /** p50/p95 per latency stage over the finished turns. */
  stats(): SessionStats {
    return this.#tracker.stats();
  }

  /** Every finished turn's timeline, oldest first (the last 500). */
  metrics(): readonly TurnMetrics[] {
    return this.#tracker.turns();
  }

  /** Starts listening: the mic is sent (unless muted) and turns are taken. */
  async start(): Promise<void> {
    this.#mic.listening = true;
    await this.#mic.apply();
    this.#update();
  }

  /** Stops listening without disconnecting: the mic is not sent, no turns are taken; `start()` resumes. */
  async stop(): Promise<void> {
    this.#mic.listening = false;
    this.#turns.drop();
    await this.#mic.apply();
    this.#update();
  }

  /**
   * Mutes the microphone: the track is disabled, so no audio leaves the device (and the on-device VAD
   * hears silence: no turn starts). A `mediaStream` the app passed in is disabled too, until `unmute()`.
   */
  async mute(): Promise<void> {
    this.#mic.muted = true;
    this.#turns.drop();
    await this.#mic.apply();
    this.#update();
  }

  async unmute(): Promise<void> {
    this.#mic.muted = false;
    await this.#mic.apply();
    this.#update();
  }

  /**
   * Manual / push-to-talk turns: the user starts talking now. Interrupts a reply that is playing or
   * coming, clears the server's input buffer and (push-to-talk) turns the mic on.
   */
  async startTurn(): Promise<void> {
    if (this.#endpointing === 'client' || this.#endpointing === 'server') {
      throw new SottoError('internal', 'startTurn() needs manual or push-to-talk endpointing');
    }
    this.#mic.cancelTail();
    this.#turns.manualStart();
    await this.send({ type: 'input_audio_buffer.clear' });
    await this.#mic.apply();
  }

  /** Manual / push-to-talk turns: the user is done; commits the turn and asks for a reply. */
  async endTurn(): Promise<void> {
    await this.#turns.manualEnd(true);
    if (this.#endpointing === 'push-to-talk') {
      this.#mic.startTail();
    }
  }

  /**
   * Ends the user's turn by hand (a button standing in for endpointing): sends
   * `input_audio_buffer.commit` then `response.create`.
   */
  async commit(): Promise<void> {
    await this.#turns.manualEnd(false);
  }

  /** Sends a typed user message and asks for a reply (interrupting one that is playing). */
  async sendText(text: string): Promise<void> {
    if (this.#replies.agentSpeaking) this.#replies.interrupt(this.#ctx.currentTime);
    await this.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    // A typed turn of its own: its reply is measured from the send (no speech end: no voice-to-voice),
    // not charged to an earlier spoken turn.
    this.#tracker.committed(this.#tracker.manualId(), this.#ctx.currentTime, this.mode);
    this.#replies.requestResponse();
  }

  /** Changes the agent's session settings (`session.update`: instructions, voice, tools…). */
  async updateSession(session: SessionConfig): Promise<void> {
    await this.send({ type: 'session.update', session: { ...session, type: 'realtime' } });
  }

  /** Sends one Realtime client event. Rejects with `not_connected` before the agent is ready. */
  async send(event: ClientEvent): Promise<void> {
    const local = this.mode === 'local' ? (this.#fallback?.local ?? null) : null;
    const ready = local ? local.status === 'connected' : this.#remote.ready;
    const transport = local ?? this.#remote.transport;
    if (this.#closed || !ready || !transport) {
      throw new SottoError('not_connected', `cannot send ${event.type}: the agent is not ready`);
    }
    this.#continuity.sent(event, true);
    await transport.send(event).catch((e: unknown) => {
      this.#continuity.sent(event, false);
      throw e;
    });
  }

  /**
   * Holds the conversation on the on-device engine (`true`), or lets the link decide again (`false`, the
   * `auto` rules). Needs `offline` options; throws `internal` when the fallback is `off`.
   */
  setOffline(on: boolean): void {
    if (!this.#fallback)
      throw new SottoError('internal', 'setOffline() needs the on-device fallback (options.offline)');
    this.#fallback.setForced(on);
  }

  /** Switches barge-in at run time (client endpointing only). */
  setBargeIn(enabled: boolean): void {
    if (this.#endpointing === 'client') this.#bargeIn.enabled = enabled;
  }

  /** Output volume of the agent, 0–1. */
  setVolume(volume: number): void {
    this.#audio.output?.setVolume(volume);
  }

  /**
   * Switches the microphone to another input device. The new track is sent and endpointed; the old one is
   * stopped if the session opened it. Rejects with `no_microphone` / `mic_permission_denied`.
   */
  async setInputDevice(deviceId: string): Promise<void> {
    await this.#mic.switchDevice(deviceId);
  }

  /** Plays the agent on another output device (`setSinkId`; '' = default). */
  async setOutputDevice(deviceId: string): Promise<void> {
    const out = this.#audio.output;
    if (!out) throw new SottoError('not_connected', 'no agent audio yet');
    await out.setSinkId(deviceId);
  }

  /** Closes the transport and releases what the session opened. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#fallback?.close();
    await this.#remote.transport?.close();
    await this.#release();
    if (this.#ownsCtx) await this.#ctx.close().catch(() => undefined);
  }

  // --- wiring -------------------------------------------------------------------------------------

  /** The session's side of `connect()` (connect-session.ts). */
  #startup(fallback: FallbackMode): SessionStartup<VoiceSession> {
    // Before the first connection: a remote that fails must not close a session that can go offline.
    if (fallback !== 'off' && this.#opts.offline) {
      this.#fallback = new Fallback(fallbackHost(this.#bridge), fallback, this.#opts.offline);
    }
    return {
      session: this,
      // The capture ring also feeds the on-device engine; the VAD drives turns with client endpointing.
      startCapture: () =>
        this.#endpointing === 'client' || fallback !== 'off'
          ? this.#capture.start(this.#mic.stream, this.#opts, this.#endpointing)
          : undefined,
      unlockAudio: () => {
        this.#audio.unlock();
      },
      started: async (remoteFailed) => {
        await this.#fallback?.start(remoteFailed);
        await this.#mic.apply();
        if (this.mode === 'remote') this.#emitMode({ mode: 'remote', reason: 'connected' });
        this.#connecting = false;
        const early = this.#earlyErrors.splice(0);
        if (early.length > 0)
          setTimeout(() => {
            for (const e of early) this.emit('error', e);
          }, 0);
        this.#update();
      },
      abort: async () => {
        await this.#fallback?.close();
        await this.#capture.client?.close();
      },
    };
  }

  /**
   * The `mode` event. During `connect()` it is deferred by a task, so an app that subscribes right after
   * `await connect()` still sees the mode the session started in (`session.mode` has it too).
   */
  #emitMode(m: ModeChange): void {
    if (this.#connecting)
      setTimeout(() => {
        this.emit('mode', m);
      }, 0);
    else this.emit('mode', m);
  }

  /** Sends without failing the caller: a hint or a cancel that cannot be sent is only reported. */
  #sendQuietly(event: ClientEvent): void {
    this.send(event).catch((err: unknown) => {
      this.emit(
        'error',
        new SottoError('not_connected', `could not send ${event.type}: ${String(err)}`, { cause: err }),
      );
    });
  }

  async #release(): Promise<void> {
    this.#replies.close();
    this.#continuity.close();
    this.#mic.cancelTail();
    await this.#capture.close();
    this.#audio.close();
    this.#mic.stopOwned();
    this.#remote.markClosed();
    this.#update();
  }

  #update(): void {
    const local = this.mode === 'local';
    const resting = conversationState({
      link: this.#closed ? 'closed' : local ? 'ready' : this.#remote.link,
      mode: this.mode,
      listening: this.#mic.listening && !this.#mic.muted,
      userSpeaking: this.#turns.userSpeaking,
      awaitingReply: this.#tracker.awaiting || this.#replies.awaitingAudio,
      agentSpeaking: this.#replies.agentSpeaking,
    });
    // Ready (listening) only once the VAD keeps up with real time (src/session/readiness.ts).
    const state = resting === 'listening' && !this.#capture.live ? 'connecting' : resting;
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
