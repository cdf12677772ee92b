import { setAssetBaseUrl } from '../assets/asset-base.ts';
import { browserSupportError } from './browser-support.ts';
import { openMicrophone } from '../audio/microphone.ts';
import type { OutputTapStats } from '../audio/output-tap.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import type { SessionStats } from '../metrics/collector.ts';
import type { TurnMetrics } from '../metrics/timeline.ts';
import type { ClientEvent, ServerEvent, SessionConfig } from '../protocol/index.ts';
import type { LocalTransport } from '../offline/local-transport.ts';
import type { Transport } from '../transport/types.ts';
import { resolveEndpointerOptions } from '../vad/endpointer-options.ts';
import { AgentContinuity } from './agent-continuity.ts';
import { BargeIn } from './barge-in.ts';
import { ClientEndpointing } from './client-endpointing.ts';
import { Readiness, type ReadinessTimeline } from './readiness.ts';
import { conversationState, type ConversationState } from './conversation-state.ts';
import { canRecreateTransport, createTransport } from './create-transport.ts';
import { Fallback } from './fallback.ts';
import { fallbackHost, prepareCommit, type SessionParts } from './fallback-bridge.ts';
import type { AnswerMode } from './fallback-policy.ts';
import { RemoteAgent } from './remote-agent.ts';
import { AgentAudio } from './agent-audio.ts';
import type { ModeChange, VoiceSessionEvents } from './events.ts';
import type { ConnectOptions } from './options.ts';
import { adoptPreloaded, sessionVadOptions } from './preload.ts';
import { VadClient } from '../vad/vad-client.ts';
import { ReplyController } from './reply-controller.ts';
import { TranscriptAssembler } from './transcripts.ts';
import { TurnTaking } from './turn-taking.ts';
import { TurnTracker } from './turn-tracker.ts';

/** Push-to-talk: the mic stays on this long after `endTurn()` so the last word's packets arrive, in ms. */
const PTT_TAIL_MS = 250;
/** Codes of a first connection that failed for a network reason: `fallback: 'auto'` starts offline. */
const NETWORK_FAILURES: readonly string[] = ['server_unreachable', 'connect_timeout'];

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
  readonly #opts: ConnectOptions;
  /** The remote agent and its transport (LiveKit, or the app's; none with `fallback: 'force'`). */
  readonly #remote: RemoteAgent;
  #fallback: Fallback | null = null;
  #mic: MediaStream;
  #ownsMic: boolean;
  readonly #ctx: AudioContext;
  readonly #ownsCtx: boolean;
  readonly #endpointing: NonNullable<ConnectOptions['endpointing']>;
  readonly #tracker = new TurnTracker();
  readonly #transcripts = new TranscriptAssembler();
  readonly #bargeIn: BargeIn;
  readonly #replies: ReplyController;
  readonly #turns: TurnTaking;
  readonly #continuity: AgentContinuity;
  #state: ConversationState = 'connecting';
  #listening: boolean;
  #muted = false;
  readonly #audio: AgentAudio;
  #client: ClientEndpointing | null = null;
  /** Client endpointing: whether the VAD keeps up with real time yet (until then the session is not ready). */
  #vadLive = true;
  #readiness: Readiness | null = null;
  #pttTail: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Inside `connect()`: events the app cannot have subscribed to yet are deferred by a task. */
  #connecting = true;

  private constructor(opts: ConnectOptions, transport: Transport | null, mic: MediaStream, ctx: AudioContext) {
    super();
    this.#opts = opts;
    this.#mic = mic;
    this.#ownsMic = !opts.mediaStream;
    this.#ctx = ctx;
    this.#ownsCtx = !opts.audioContext;
    this.#endpointing = opts.endpointing ?? 'client';
    this.#listening = opts.autoStart ?? true;
    const emit = <K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void => {
      this.emit(name, payload);
    };
    const changed = (): void => {
      this.#update();
    };
    const quietly = (event: ClientEvent): void => {
      this.#sendQuietly(event);
    };
    this.#replies = new ReplyController({
      ctx,
      tracker: this.#tracker,
      output: () => (this.mode === 'local' ? (this.#fallback?.output ?? null) : this.#audio.output),
      send: quietly,
      emit,
      changed,
      agentStopped: () => {
        this.#bargeIn.agentStopped();
      },
      // A stock LiveKit Agents agent ends turns itself: a reply answers the last turn it heard.
      answersLatest: () => {
        const t = this.transport;
        return 'agentProtocol' in t && t.agentProtocol === 'livekit-agents';
      },
    });
    const ep = resolveEndpointerOptions(opts.vad?.endpointer);
    this.#bargeIn = new BargeIn(
      { ...opts.bargeIn, ...(this.#endpointing === 'client' ? {} : { enabled: false }) },
      { positive: ep.positiveThreshold, negative: ep.negativeThreshold },
      {
        duck: (gain) => {
          // A first hint of speech ducks before the endpointer opens a turn; speech_start claims it.
          const id = this.#turns.userSpeaking ? this.#turns.turnId : null;
          this.#replies.duck(gain, id, (id ? this.#tracker.marks(id)?.speechStart : undefined) ?? ctx.currentTime);
        },
        restore: () => {
          this.#replies.restore();
        },
        confirm: (onset) => {
          this.#replies.interrupt(onset, this.#tracker.awaiting);
        },
      },
    );
    this.#audio = new AgentAudio(ctx, {
      ...(opts.volume === undefined ? {} : { volume: opts.volume }),
      ...(opts.outputDeviceId ? { outputDeviceId: opts.outputDeviceId } : {}),
      ...(opts.unlockOnGesture === undefined ? {} : { unlockOnGesture: opts.unlockOnGesture }),
      alsoPlay: () => this.#fallback?.output ?? null,
      error: (e) => {
        this.emit('error', e);
      },
    });
    this.#remote = new RemoteAgent(transport, this.#endpointing === 'server' ? (opts.serverVad ?? {}) : null, {
      serverEvent: (e, from) => {
        this.#onServerEvent(e, from);
      },
      agentTrack: (track) => void this.#onAgentTrack(track),
      error: (e) => {
        this.emit('error', e);
      },
      changed: () => {
        this.#fallback?.check();
        this.#update();
      },
      closed: () => {
        if (this.#fallback) return true;
        if (!this.#closed) {
          this.#closed = true;
          void this.#release();
        }
        return false;
      },
      // While the engine answers, the remote link's troubles are expected (and reported by `mode`).
      reportErrors: (code) => this.mode === 'remote' || code !== 'not_connected',
      agentSession: (id) => {
        this.#continuity.agentSession(id);
      },
      agentLeft: () => {
        this.#continuity.agentLeft();
      },
    });
    this.#turns = new TurnTaking({
      ctx,
      tracker: this.#tracker,
      replies: this.#replies,
      bargeIn: this.#bargeIn,
      eager: (opts.eagerness ?? 'normal') === 'eager',
      accepting: () => this.#listening && !this.#muted && !this.#closed,
      agentReady: () => (this.mode === 'local' ? this.#fallback?.local?.status === 'connected' : this.#remote.ready),
      mode: () => this.mode,
      prepareCommit: (turnId, span) => prepareCommit(this.#parts(), turnId, span),
      extensions: () => this.#remote.extensions,
      send: (event) => this.send(event),
      emit,
      changed,
    });
    this.#continuity = new AgentContinuity(
      {
        turns: this.#turns,
        tracker: this.#tracker,
        replies: this.#replies,
        mode: () => this.mode,
        remote: () => this.#remote.transport,
        ring: () => this.#client?.capture.reader() ?? null,
        failover: () => this.#fallback?.agentLost() ?? false,
        emit,
        update: changed,
      },
      opts.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: opts.replyTimeoutMs },
    );
  }

  /**
   * Connects, publishes the microphone, starts the on-device endpointer (client endpointing) and resolves
   * once the link is up; the state becomes `listening` when the agent says `session.created`. Rejects
   * with a {@link SottoError} (`unsupported_browser`, `token_rejected`, `server_unreachable`,
   * `connect_timeout`, `mic_permission_denied`, `no_microphone`); nothing is left open on failure.
   */
  static async connect(opts: ConnectOptions): Promise<VoiceSession> {
    if (opts.assetBaseUrl !== undefined) setAssetBaseUrl(opts.assetBaseUrl);
    const unsupported = browserSupportError(globalThis);
    if (unsupported) throw unsupported;
    const fallback = opts.fallback ?? (opts.offline ? 'auto' : 'off');
    if (fallback !== 'off' && !opts.offline?.models && !opts.offline?.engine) {
      throw new SottoError('internal', `fallback '${fallback}' needs the on-device engine's models (options.offline)`);
    }
    if (fallback !== 'off' && opts.endpointing === 'server') {
      throw new SottoError('internal', `fallback '${fallback}' needs client, manual or push-to-talk endpointing`);
    }
    let transport: Transport | null = null;
    let mic: MediaStream | undefined;
    let session: VoiceSession | undefined;
    let endpointing: Promise<void> | undefined;
    const ctx = opts.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
    try {
      transport = fallback === 'force' ? null : createTransport(opts, ctx);
      mic = opts.mediaStream ?? (await openMicrophone(opts.microphone));
      const [micTrack] = mic.getAudioTracks();
      if (!micTrack) throw new SottoError('no_microphone', 'the media stream has no audio track');
      session = new VoiceSession(opts, transport, mic, ctx);
      // Before the first connection: a remote that fails must not close a session that can go offline.
      if (fallback !== 'off' && opts.offline) {
        session.#fallback = new Fallback(fallbackHost(session.#parts()), fallback, opts.offline);
      }
      let remoteFailed: SottoError | null = null;
      // The capture ring (and the VAD for client endpointing) also feeds the on-device engine. It starts
      // while the room connects: the VAD's model, runtime and warm-up load behind the join (issue 16).
      if (session.#endpointing === 'client' || fallback !== 'off') endpointing = session.#startEndpointing();
      endpointing?.catch(() => undefined);
      try {
        await transport?.connect({ micTrack });
      } catch (e) {
        // Offline from the first second: the on-device engine answers and the link is tried again.
        if (fallback !== 'auto' || !(e instanceof SottoError) || !NETWORK_FAILURES.includes(e.code)) throw e;
        remoteFailed = e;
      }
      session.#audio.unlock();
      await endpointing;
      await session.#fallback?.start(remoteFailed);
      await session.#applyMic();
      if (session.mode === 'remote') session.#emitMode({ mode: 'remote', reason: 'connected' });
      session.#connecting = false;
      session.#update();
      return session;
    } catch (e) {
      if (session) {
        await endpointing?.catch(() => undefined);
        await session.#fallback?.close();
        await session.#client?.close();
      }
      await transport?.close();
      if (!opts.mediaStream) for (const t of mic?.getTracks() ?? []) t.stop();
      if (!opts.audioContext) await ctx.close().catch(() => undefined);
      throw e;
    }
  }

  /** The VAD's cold start (load, warm-up, live) on the page's clock; null without client endpointing. */
  get readiness(): ReadinessTimeline | null {
    return this.#readiness?.timeline ?? null;
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
    return this.#muted;
  }

  /** Whether the session is listening (`start()`ed and not `stop()`ped). */
  get listening(): boolean {
    return this.#listening;
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
    this.#listening = true;
    await this.#applyMic();
    this.#update();
  }

  /** Stops listening without disconnecting: the mic is not sent, no turns are taken; `start()` resumes. */
  async stop(): Promise<void> {
    this.#listening = false;
    this.#turns.drop();
    await this.#applyMic();
    this.#update();
  }

  /**
   * Mutes the microphone: the track is disabled, so no audio leaves the device (and the on-device VAD
   * hears silence: no turn starts). A `mediaStream` the app passed in is disabled too, until `unmute()`.
   */
  async mute(): Promise<void> {
    this.#muted = true;
    this.#turns.drop();
    await this.#applyMic();
    this.#update();
  }

  async unmute(): Promise<void> {
    this.#muted = false;
    await this.#applyMic();
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
    clearTimeout(this.#pttTail);
    this.#turns.manualStart();
    await this.send({ type: 'input_audio_buffer.clear' });
    await this.#applyMic();
  }

  /** Manual / push-to-talk turns: the user is done; commits the turn and asks for a reply. */
  async endTurn(): Promise<void> {
    await this.#turns.manualEnd(true);
    if (this.#endpointing === 'push-to-talk') {
      this.#pttTail = setTimeout(() => void this.#applyMic(), PTT_TAIL_MS);
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
    const next = await openMicrophone({ ...this.#opts.microphone, deviceId });
    const [track] = next.getAudioTracks();
    const remote = this.#remote.transport;
    if (!track || (remote && !remote.replaceMicTrack)) {
      for (const t of next.getTracks()) t.stop();
      throw new SottoError(track ? 'internal' : 'no_microphone', `cannot switch to microphone ${deviceId}`);
    }
    await remote?.replaceMicTrack?.(track);
    this.#client?.switchSource(next);
    if (this.#ownsMic) for (const t of this.#mic.getTracks()) t.stop();
    this.#mic = next;
    this.#ownsMic = true;
    await this.#applyMic();
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

  async #startEndpointing(): Promise<void> {
    // With the fallback on, the ring holds a whole turn of maxTurnMs (default 30 s) for read-back.
    const maxTurnMs = resolveEndpointerOptions(this.#opts.vad?.endpointer).maxTurnMs;
    const seconds = this.#opts.fallback === 'off' || !this.#opts.offline ? 10 : Math.max(10, maxTurnMs / 1000 + 2);
    const options = sessionVadOptions({ ...this.#opts, endpointing: this.#endpointing });
    // A VAD preloaded with these options is warm already (preload.ts): no backlog, `listening` at once.
    const preloaded = adoptPreloaded(options);
    const client = await ClientEndpointing.start(
      this.#ctx,
      this.#mic,
      preloaded?.vad ?? new VadClient(options),
      (e) => {
        this.emit('error', e);
      },
      seconds,
      preloaded?.errors,
    );
    this.#client = client;
    if (this.#endpointing !== 'client') return;
    this.#vadLive = false;
    this.#readiness = new Readiness(client, () => {
      this.#vadLive = true;
      this.#update();
    });
    client.drive(
      this.#turns,
      this.#bargeIn,
      () => this.#replies.agentSpeaking,
      (f) => {
        this.emit('vad_frame', f);
      },
    );
    client.vad.on('turn_model', (v) => {
      this.emit('turn_model', v);
    });
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

  /** An event of the remote agent or of the on-device engine; only the one answering now is followed. */
  #onServerEvent(event: ServerEvent, from: Transport): void {
    if ((from.kind === 'local') !== (this.mode === 'local')) return; // the standby agent
    this.emit('server_event', event);
    const t = this.#transcripts.accept(event);
    if (t) this.emit('transcript', t);
    this.#continuity.serverEvent(event, from.kind === 'local', t);
    if (this.#endpointing === 'server') this.#turns.serverEvent(event);
    this.#replies.onServerEvent(event);
    switch (event.type) {
      case 'session.created':
        this.#update();
        return;
      case 'input_audio_buffer.committed':
        if (this.#endpointing !== 'server') this.#tracker.acked(this.#ctx.currentTime);
        return;
      case 'error':
        this.emit(
          'error',
          new SottoError('server_error', `${event.error.code}: ${event.error.message}`, { cause: event.error }),
        );
        return;
      default:
        return;
    }
  }

  /** Wires the on-device transport's events. */
  #listenLocal(t: LocalTransport): void {
    t.on('server_event', (e) => {
      this.#onServerEvent(e, t);
    });
    t.on('error', (e) => {
      this.emit('error', e);
    });
  }

  /** What the fallback bridge works with. */
  #parts(): SessionParts {
    return {
      ctx: this.#ctx,
      remote: this.#remote,
      turns: this.#turns,
      tracker: this.#tracker,
      replies: this.#replies,
      continuity: () => this.#continuity,
      micTrack: () => {
        const [track] = this.#mic.getAudioTracks();
        if (!track) throw new SottoError('no_microphone', 'the microphone stream has no audio track');
        return track;
      },
      client: () => this.#client,
      remoteOutput: () => this.#audio.output,
      fallback: () => this.#fallback,
      newTransport: () => (canRecreateTransport(this.#opts) ? createTransport(this.#opts, this.#ctx) : null),
      wireLocal: (local) => {
        this.#listenLocal(local);
      },
      emit: (name, payload) => {
        this.emit(name, payload);
      },
      emitMode: (m) => {
        this.#emitMode(m);
      },
      sendQuietly: (event) => {
        this.#sendQuietly(event);
      },
      update: () => {
        this.#update();
      },
      applyMic: () => this.#applyMic(),
      closed: () => this.#closed,
    };
  }

  async #onAgentTrack(track: MediaStreamTrack): Promise<void> {
    const out = await this.#audio.attach(track);
    if (out) this.#replies.outputAttached(out);
  }

  /** The transport's mic follows listening, mute and push-to-talk. */
  async #applyMic(): Promise<void> {
    const ptt = this.#endpointing === 'push-to-talk';
    const on = this.#listening && !this.#muted && (!ptt || this.#turns.userSpeaking);
    // Muting disables the track itself too, so nothing reaches the ring or a transport.
    for (const t of this.#mic.getAudioTracks()) t.enabled = !this.#muted;
    const remote = this.#remote.transport;
    if (remote && (remote.status === 'connected' || remote.status === 'reconnecting')) {
      await remote.setMicEnabled(on);
    }
  }

  async #release(): Promise<void> {
    this.#replies.close();
    this.#continuity.close();
    clearTimeout(this.#pttTail);
    const client = this.#client;
    this.#client = null;
    await client?.close();
    this.#audio.close();
    if (this.#ownsMic) for (const t of this.#mic.getTracks()) t.stop();
    this.#remote.markClosed();
    this.#update();
  }

  #update(): void {
    const local = this.mode === 'local';
    const resting = conversationState({
      link: this.#closed ? 'closed' : local ? 'ready' : this.#remote.link,
      mode: this.mode,
      listening: this.#listening && !this.#muted,
      userSpeaking: this.#turns.userSpeaking,
      awaitingReply: this.#tracker.awaiting || this.#replies.awaitingAudio,
      agentSpeaking: this.#replies.agentSpeaking,
    });
    // Ready (listening) only once the VAD keeps up with real time (src/session/readiness.ts).
    const state = resting === 'listening' && !this.#vadLive ? 'connecting' : resting;
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
