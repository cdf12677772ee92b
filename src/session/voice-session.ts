import { openMicrophone } from '../audio/microphone.ts';
import type { OutputTapStats } from '../audio/output-tap.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import type { SessionStats } from '../metrics/collector.ts';
import type { TurnMetrics } from '../metrics/timeline.ts';
import type { ClientEvent, ServerEvent, SessionConfig } from '../protocol/index.ts';
import { SERVER_VAD_DEFAULTS } from '../protocol/index.ts';
import type { Transport, TransportStatus } from '../transport/types.ts';
import { resolveEndpointerOptions } from '../vad/endpointer-options.ts';
import { BargeIn } from './barge-in.ts';
import { ClientEndpointing } from './client-endpointing.ts';
import { conversationState, type ConversationState, type StateInputs } from './conversation-state.ts';
import { createTransport } from './create-transport.ts';
import { ElementOutput } from './element-output.ts';
import type { VoiceSessionEvents } from './events.ts';
import { onFirstGesture } from './gesture-unlock.ts';
import type { ConnectOptions } from './options.ts';
import { ReplyController } from './reply-controller.ts';
import { TranscriptAssembler } from './transcripts.ts';
import { TurnTaking } from './turn-taking.ts';
import { TurnTracker } from './turn-tracker.ts';

/** Push-to-talk: the mic stays on this long after `endTurn()` so the last word's packets arrive, in ms. */
const PTT_TAIL_MS = 250;

/**
 * A voice conversation with a Realtime-style agent: the mic goes up through a {@link Transport} (LiveKit
 * by default), the on-device endpointer ends the user's turns, the agent's reply plays through a media
 * element, barge-in cuts it at what was heard, and every turn gets a latency timeline.
 *
 * Create it with {@link VoiceSession.connect}. `close()` closes the transport, stops the VAD worker and
 * the capture worklet, stops the microphone the session opened (a `mediaStream` the app passed in is NOT
 * stopped), closes the AudioContext it created (one passed in is not), and removes the audio element.
 */
export class VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  readonly #opts: ConnectOptions;
  readonly #transport: Transport;
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
  #state: ConversationState = 'connecting';
  #link: StateInputs['link'] = 'connecting';
  #agentReady = false;
  #extensions: readonly string[] = [];
  #listening: boolean;
  #muted = false;
  #output: ElementOutput | null = null;
  #client: ClientEndpointing | null = null;
  #pttTail: ReturnType<typeof setTimeout> | undefined;
  #cancelUnlock: (() => void) | null = null;
  #closed = false;

  private constructor(opts: ConnectOptions, transport: Transport, mic: MediaStream, ctx: AudioContext) {
    super();
    this.#opts = opts;
    this.#transport = transport;
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
      output: () => this.#output,
      send: quietly,
      emit,
      changed,
      agentStopped: () => {
        this.#bargeIn.agentStopped();
      },
    });
    const ep = resolveEndpointerOptions(opts.vad?.endpointer);
    this.#bargeIn = new BargeIn(
      { ...opts.bargeIn, ...(this.#endpointing === 'client' ? {} : { enabled: false }) },
      { positive: ep.positiveThreshold, negative: ep.negativeThreshold },
      {
        duck: (gain) => {
          const id = this.#turns.turnId;
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
    this.#turns = new TurnTaking({
      ctx,
      tracker: this.#tracker,
      replies: this.#replies,
      bargeIn: this.#bargeIn,
      eager: (opts.eagerness ?? 'normal') === 'eager',
      accepting: () => this.#listening && !this.#muted && !this.#closed,
      agentReady: () => this.#agentReady,
      extensions: () => this.#extensions,
      send: (event) => this.send(event),
      emit,
      changed,
    });
  }

  /**
   * Connects, publishes the microphone, starts the on-device endpointer (client endpointing) and resolves
   * once the link is up; the state becomes `listening` when the agent says `session.created`. Rejects
   * with a {@link SottoError} (`unsupported_browser`, `token_rejected`, `server_unreachable`,
   * `connect_timeout`, `mic_permission_denied`, `no_microphone`); nothing is left open on failure.
   */
  static async connect(opts: ConnectOptions): Promise<VoiceSession> {
    if (typeof RTCPeerConnection === 'undefined' || typeof AudioContext === 'undefined') {
      throw new SottoError('unsupported_browser', 'this browser lacks WebRTC or Web Audio');
    }
    const transport = opts.transport ?? createTransport(opts);
    let mic: MediaStream | undefined;
    let session: VoiceSession | undefined;
    const ctx = opts.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
    try {
      mic = opts.mediaStream ?? (await openMicrophone(opts.microphone));
      const [micTrack] = mic.getAudioTracks();
      if (!micTrack) throw new SottoError('no_microphone', 'the media stream has no audio track');
      session = new VoiceSession(opts, transport, mic, ctx);
      session.#listen();
      await transport.connect({ micTrack });
      session.#unlockAudio();
      if (session.#endpointing === 'client') await session.#startEndpointing();
      await session.#applyMic();
      session.emit('mode', { mode: 'remote', reason: 'connected' });
      session.#update();
      return session;
    } catch (e) {
      if (session) await session.#client?.close();
      await transport.close();
      if (!opts.mediaStream) for (const t of mic?.getTracks() ?? []) t.stop();
      if (!opts.audioContext) await ctx.close().catch(() => undefined);
      throw e;
    }
  }

  /** The conversation state (see {@link ConversationState}). */
  get state(): ConversationState {
    return this.#state;
  }

  /** The AudioContext whose clock stamps every measurement of this session. */
  get audioContext(): AudioContext {
    return this.#ctx;
  }

  /** The active transport (LiveKit, or the one passed in). */
  get transport(): Transport {
    return this.#transport;
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
    return this.#output?.stats() ?? null;
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
    this.#replies.requestResponse();
  }

  /** Changes the agent's session settings (`session.update`: instructions, voice, tools…). */
  async updateSession(session: SessionConfig): Promise<void> {
    await this.send({ type: 'session.update', session });
  }

  /** Sends one Realtime client event. Rejects with `not_connected` before the agent is ready. */
  async send(event: ClientEvent): Promise<void> {
    if (this.#closed || !this.#agentReady) {
      throw new SottoError('not_connected', `cannot send ${event.type}: the agent is not ready`);
    }
    await this.#transport.send(event);
  }

  /** Switches barge-in at run time (client endpointing only). */
  setBargeIn(enabled: boolean): void {
    if (this.#endpointing === 'client') this.#bargeIn.enabled = enabled;
  }

  /** Output volume of the agent, 0–1. */
  setVolume(volume: number): void {
    this.#output?.setVolume(volume);
  }

  /**
   * Switches the microphone to another input device. The new track is sent and endpointed; the old one is
   * stopped if the session opened it. Rejects with `no_microphone` / `mic_permission_denied`.
   */
  async setInputDevice(deviceId: string): Promise<void> {
    const next = await openMicrophone({ ...this.#opts.microphone, deviceId });
    const [track] = next.getAudioTracks();
    if (!track || !this.#transport.replaceMicTrack) {
      for (const t of next.getTracks()) t.stop();
      throw new SottoError(track ? 'internal' : 'no_microphone', `cannot switch to microphone ${deviceId}`);
    }
    await this.#transport.replaceMicTrack(track);
    this.#client?.switchSource(next);
    if (this.#ownsMic) for (const t of this.#mic.getTracks()) t.stop();
    this.#mic = next;
    this.#ownsMic = true;
    await this.#applyMic();
  }

  /** Plays the agent on another output device (`setSinkId`; '' = default). */
  async setOutputDevice(deviceId: string): Promise<void> {
    if (!this.#output) throw new SottoError('not_connected', 'no agent audio yet');
    await this.#output.setSinkId(deviceId);
  }

  /** Closes the transport and releases what the session opened. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
    await this.#release();
    if (this.#ownsCtx) await this.#ctx.close().catch(() => undefined);
  }

  // --- wiring -------------------------------------------------------------------------------------

  async #startEndpointing(): Promise<void> {
    const client = await ClientEndpointing.start(this.#ctx, this.#mic, this.#opts.vad ?? {}, (e) => {
      this.emit('error', e);
    });
    this.#client = client;
    const vad = client.vad;
    vad.on('frame', (f) => {
      this.emit('vad_frame', f);
      this.#bargeIn.frame(f.time, f.probability);
    });
    vad.on('speech_start', (e) => {
      this.#turns.speechStart(e);
    });
    vad.on('turn_ending', (e) => {
      this.#turns.turnEnding(e);
    });
    vad.on('turn_resumed', (e) => {
      this.#turns.turnResumed(e);
    });
    vad.on('turn_end', (e) => {
      this.#turns.turnEnd(e);
    });
    vad.on('misfire', (e) => {
      this.#turns.misfire(e);
    });
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

  #onServerEvent(event: ServerEvent): void {
    this.emit('server_event', event);
    const t = this.#transcripts.accept(event);
    if (t) this.emit('transcript', t);
    if (this.#endpointing === 'server') this.#turns.serverEvent(event);
    this.#replies.onServerEvent(event);
    switch (event.type) {
      case 'session.created':
        this.#agentReady = true;
        this.#extensions = event.session['sotto:extensions'] ?? [];
        this.#link = 'ready';
        this.#configureTurnDetection();
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

  /** `server` endpointing turns the server's VAD on (OpenAI's defaults); every other mode turns it off. */
  #configureTurnDetection(): void {
    const turn_detection =
      this.#endpointing === 'server'
        ? { type: 'server_vad' as const, ...SERVER_VAD_DEFAULTS, ...this.#opts.serverVad }
        : null;
    this.#sendQuietly({ type: 'session.update', session: { audio: { input: { turn_detection } } } });
  }

  #listen(): void {
    const t = this.#transport;
    t.on('agent_track', (track) => void this.#onAgentTrack(track));
    t.on('server_event', (e) => {
      this.#onServerEvent(e);
    });
    t.on('error', (e) => {
      this.emit('error', e);
    });
    t.on('status', (s) => {
      this.#onStatus(s);
    });
    t.on('reconnect', (step) => {
      // A full rejoin is a new connection: the agent must say `session.created` again before turns.
      if (step.phase === 'rejoin') this.#agentReady = false;
    });
  }

  #onStatus(status: TransportStatus): void {
    if (status === 'reconnecting') {
      this.#link = 'reconnecting';
    } else if (status === 'connected' && this.#link === 'reconnecting') {
      this.#link = this.#agentReady ? 'ready' : 'connecting';
    } else if (status === 'closed' && !this.#closed) {
      this.#closed = true;
      void this.#release();
      return;
    }
    this.#update();
  }

  async #onAgentTrack(track: MediaStreamTrack): Promise<void> {
    this.#output?.close();
    const out = await ElementOutput.create(this.#ctx, track, (e) => {
      this.emit(
        'error',
        new SottoError('audio_blocked', `agent audio is blocked until the user interacts: ${String(e)}`, { cause: e }),
      );
      this.#unlockAudio(true);
    });
    if (this.#closed) {
      out.close();
      return;
    }
    if (this.#opts.volume !== undefined) out.setVolume(this.#opts.volume);
    if (this.#opts.outputDeviceId) {
      await out.setSinkId(this.#opts.outputDeviceId).catch((e: unknown) => {
        this.emit(
          'error',
          new SottoError('internal', `could not select the output device: ${String(e)}`, { cause: e }),
        );
      });
    }
    this.#output = out;
    this.#replies.outputAttached(out);
  }

  /** Resumes the AudioContext and the agent's element now, or on the first gesture if the browser says no. */
  #unlockAudio(force = false): void {
    if (this.#opts.unlockOnGesture === false) return;
    if (!force && this.#ctx.state !== 'suspended') return;
    void this.#ctx.resume().catch(() => undefined);
    this.#cancelUnlock?.();
    this.#cancelUnlock = onFirstGesture(() => {
      this.#cancelUnlock = null;
      void this.#ctx.resume().catch(() => undefined);
      this.#output?.play().catch(() => undefined);
    });
  }

  /** The transport's mic follows listening, mute and push-to-talk. */
  async #applyMic(): Promise<void> {
    const ptt = this.#endpointing === 'push-to-talk';
    const on = this.#listening && !this.#muted && (!ptt || this.#turns.userSpeaking);
    if (this.#transport.status === 'connected' || this.#transport.status === 'reconnecting') {
      await this.#transport.setMicEnabled(on);
    }
  }

  async #release(): Promise<void> {
    this.#replies.close();
    clearTimeout(this.#pttTail);
    this.#cancelUnlock?.();
    const client = this.#client;
    this.#client = null;
    await client?.close();
    this.#output?.close();
    this.#output = null;
    if (this.#ownsMic) for (const t of this.#mic.getTracks()) t.stop();
    this.#link = 'closed';
    this.#update();
  }

  #update(): void {
    const state = conversationState({
      link: this.#link,
      mode: 'remote',
      listening: this.#listening && !this.#muted,
      userSpeaking: this.#turns.userSpeaking,
      awaitingReply: this.#tracker.awaiting || this.#replies.awaitingAudio,
      agentSpeaking: this.#replies.agentSpeaking,
    });
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
