import { openMicrophone } from '../audio/microphone.ts';
import type { OutputTapStats } from '../audio/output-tap.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import type { SessionStats } from '../metrics/collector.ts';
import type { TurnMetrics } from '../metrics/timeline.ts';
import type { ClientEvent, ServerEvent, SessionConfig } from '../protocol/index.ts';
import { EXT_SPECULATIVE_TURN } from '../protocol/index.ts';
import { LiveKitTransport } from '../transport/livekit/livekit-transport.ts';
import type { Transport, TransportStatus } from '../transport/types.ts';
import { resolveEndpointerOptions } from '../vad/endpointer-options.ts';
import type { SpeechStartEvent, TurnEndEvent, TurnEndingEvent } from '../vad/events.ts';
import { heardMs } from './agent-output.ts';
import { BargeIn } from './barge-in.ts';
import { ClientEndpointing } from './client-endpointing.ts';
import { conversationState, type ConversationState, type StateInputs } from './conversation-state.ts';
import { ElementOutput } from './element-output.ts';
import type { VoiceSessionEvents } from './events.ts';
import { onFirstGesture } from './gesture-unlock.ts';
import type { ConnectOptions } from './options.ts';
import { TranscriptAssembler } from './transcripts.ts';
import { TurnTracker } from './turn-tracker.ts';

/** How often the reply's audio start/end is looked for on the output tap, in ms. */
const POLL_MS = 10;
/** A reply with no audible sample this long after `response.done` is finished without audio, in ms. */
const NO_AUDIO_GRACE_MS = 1500;
/** The agent counts as audible when a sample was heard within this window, in ms. */
const AUDIBLE_WINDOW_MS = 120;
/** Push-to-talk: the mic stays on this long after `endTurn()` so the last word's packets arrive, in ms. */
const PTT_TAIL_MS = 250;

/** The reply in progress. */
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
  readonly #tracker = new TurnTracker();
  readonly #transcripts = new TranscriptAssembler();
  readonly #bargeIn: BargeIn;
  readonly #endpointing: 'client' | 'manual' | 'push-to-talk';
  #state: ConversationState = 'connecting';
  #link: StateInputs['link'] = 'connecting';
  #agentReady = false;
  #extensions: readonly string[] = [];
  #listening = true;
  #muted = false;
  #userSpeaking = false;
  #agentSpeaking = false;
  #output: ElementOutput | null = null;
  #client: ClientEndpointing | null = null;
  #turnId: string | null = null;
  #eagerCommitted: string | null = null;
  #reply: Reply | null = null;
  #createAfterReply = false;
  #duck: { turnId: string; onset: number; at: number } | null = null;
  #poll: ReturnType<typeof setInterval> | undefined;
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
    const ep = resolveEndpointerOptions(opts.vad?.endpointer);
    this.#bargeIn = new BargeIn(
      { ...opts.bargeIn, ...(this.#endpointing === 'client' ? {} : { enabled: false }) },
      { positive: ep.positiveThreshold, negative: ep.negativeThreshold },
      {
        duck: (gain) => {
          this.#onDuck(gain);
        },
        restore: () => {
          this.#duck = null;
          this.#output?.restore();
        },
        confirm: (onset) => {
          this.#interrupt(onset);
        },
      },
    );
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
    const transport =
      opts.transport ??
      new LiveKitTransport({
        url: opts.url,
        token: opts.token,
        ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
        ...(opts.reconnect ? { backoff: opts.reconnect } : {}),
        ...(opts.health ? { health: opts.health } : {}),
      });
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
    this.#dropUserTurn();
    await this.#applyMic();
    this.#update();
  }

  /** Mutes the microphone: no audio leaves the device (the track is disabled) and no turn starts. */
  async mute(): Promise<void> {
    this.#muted = true;
    this.#dropUserTurn();
    await this.#applyMic();
    this.#update();
  }

  async unmute(): Promise<void> {
    this.#muted = false;
    await this.#applyMic();
    this.#update();
  }

  /**
   * Push-to-talk / manual turns: the user starts talking now. Interrupts a reply that is playing or
   * coming, clears the server's input buffer and (push-to-talk) turns the mic on.
   */
  async startTurn(): Promise<void> {
    if (this.#endpointing === 'client') throw new SottoError('internal', 'startTurn() needs manual or push-to-talk');
    clearTimeout(this.#pttTail);
    const now = this.#ctx.currentTime;
    if (this.#agentSpeaking && this.#reply) {
      this.#onDuck(0);
      this.#interrupt(now);
    } else {
      this.#cancelPendingReply();
    }
    const id = this.#tracker.manualId();
    this.#turnId = id;
    this.#tracker.mark(id, 'speechStart', now);
    this.#userSpeaking = true;
    await this.send({ type: 'input_audio_buffer.clear' });
    await this.#applyMic();
    this.#update();
  }

  /** Push-to-talk / manual turns: the user is done; commits the turn and asks for a reply. */
  async endTurn(): Promise<void> {
    const id = this.#turnId ?? this.#tracker.manualId();
    const now = this.#ctx.currentTime;
    this.#tracker.mark(id, 'speechEnd', now);
    this.#tracker.mark(id, 'endpoint', now);
    this.#userSpeaking = false;
    this.#turnId = null;
    await this.#commitTurn(id);
    if (this.#endpointing === 'push-to-talk') {
      this.#pttTail = setTimeout(() => void this.#applyMic(), PTT_TAIL_MS);
    }
    this.#update();
  }

  /**
   * Ends the user's turn by hand (a button standing in for endpointing): sends
   * `input_audio_buffer.commit` then `response.create`.
   */
  async commit(): Promise<void> {
    const id = this.#turnId ?? this.#tracker.manualId();
    this.#tracker.mark(id, 'endpoint', this.#ctx.currentTime);
    this.#turnId = null;
    await this.#commitTurn(id);
  }

  /** Sends a typed user message and asks for a reply (interrupting one that is playing). */
  async sendText(text: string): Promise<void> {
    if (this.#agentSpeaking && this.#reply) {
      this.#onDuck(0);
      this.#interrupt(this.#ctx.currentTime);
    }
    await this.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    await this.send({ type: 'response.create' });
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

  /** Lets barge-in be switched at run time (ignored with manual endpointing). */
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
    if (!track) throw new SottoError('no_microphone', 'the new device gave no audio track');
    if (!this.#transport.replaceMicTrack) {
      for (const t of next.getTracks()) t.stop();
      throw new SottoError('internal', `the ${this.#transport.kind} transport cannot switch microphones`);
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
    client.vad.on('frame', (f) => {
      this.emit('vad_frame', f);
      this.#bargeIn.frame(f.time, f.probability);
    });
    client.vad.on('speech_start', (e) => {
      this.#onSpeechStart(e);
    });
    client.vad.on('turn_ending', (e) => {
      this.#onTurnEnding(e);
    });
    client.vad.on('turn_resumed', (e) => {
      if (!this.#accepting()) return;
      this.emit('turn_resumed', e);
      this.#userSpeaking = true;
      if (this.#eagerCommitted === this.#turnId) {
        this.#eagerCommitted = null;
        this.#cancelPendingReply();
      }
      if (this.#extensions.includes(EXT_SPECULATIVE_TURN)) this.#sendQuietly({ type: 'sotto.turn.resumed' });
      this.#update();
    });
    client.vad.on('turn_end', (e) => {
      this.#onTurnEnd(e);
    });
    client.vad.on('misfire', (e) => {
      this.emit('misfire', e);
      this.#bargeIn.speechStopped();
      const id = `vad-${String(e.turnId)}`;
      this.#tracker.discard(id);
      if (this.#turnId === id) this.#turnId = null;
      this.#userSpeaking = false;
      this.#update();
    });
  }

  /** Turns are taken only while listening, unmuted, and the agent is ready. */
  #accepting(): boolean {
    return this.#listening && !this.#muted && !this.#closed;
  }

  #onSpeechStart(e: SpeechStartEvent): void {
    if (!this.#accepting()) return;
    this.emit('speech_start', e);
    const id = `vad-${String(e.turnId)}`;
    this.#turnId = id;
    this.#tracker.mark(id, 'speechStart', e.onsetTime);
    this.#userSpeaking = true;
    const audible = this.#agentSpeaking || (this.#output?.audible(AUDIBLE_WINDOW_MS) ?? false);
    if (audible && this.#reply && !this.#reply.cancelled) {
      this.#bargeIn.speechStart(e.onsetTime, true);
    } else {
      // The user talks again before the reply is heard: that reply answered half a turn.
      this.#cancelPendingReply();
    }
    this.#update();
  }

  #onTurnEnding(e: TurnEndingEvent): void {
    if (!this.#accepting()) return;
    this.emit('turn_ending', e);
    this.#bargeIn.speechStopped();
    const id = this.#turnId;
    if (id === null) return;
    if (this.#extensions.includes(EXT_SPECULATIVE_TURN)) {
      const silence = Math.max(0, Math.round((this.#ctx.currentTime - e.endTime) * 1000));
      this.#sendQuietly({ type: 'sotto.turn.ending', 'sotto:silence_ms': silence });
    }
    if ((this.#opts.eagerness ?? 'normal') === 'eager' && this.#agentReady) {
      this.#tracker.mark(id, 'speechEnd', e.endTime);
      this.#tracker.mark(id, 'endpoint', this.#ctx.currentTime);
      this.#eagerCommitted = id;
      this.#userSpeaking = false;
      void this.#commitTurn(id);
      this.#update();
    }
  }

  #onTurnEnd(e: TurnEndEvent): void {
    if (!this.#accepting()) return;
    this.emit('turn_end', e);
    this.#bargeIn.speechStopped();
    const id = `vad-${String(e.turnId)}`;
    this.#userSpeaking = false;
    this.#turnId = null;
    if (this.#eagerCommitted === id) {
      // Committed at turn_ending and not resumed since: already answered.
      this.#eagerCommitted = null;
      this.#update();
      return;
    }
    this.#tracker.mark(id, 'speechEnd', e.endTime);
    this.#tracker.mark(id, 'endpoint', this.#ctx.currentTime);
    if (this.#agentReady) void this.#commitTurn(id);
    else this.#tracker.discard(id);
    this.#update();
  }

  async #commitTurn(turnId: string): Promise<void> {
    try {
      const commit = this.send({ type: 'input_audio_buffer.commit' });
      this.#tracker.committed(turnId, this.#ctx.currentTime);
      this.#update();
      await commit;
      const r = this.#reply;
      // One response at a time: a turn taken while a reply is still being generated (barge-in off, or a
      // grunt) is answered after it.
      if (r && !r.done && !r.cancelled) this.#createAfterReply = true;
      else await this.send({ type: 'response.create' });
    } catch (err) {
      this.emit(
        'error',
        err instanceof SottoError
          ? err
          : new SottoError('not_connected', `could not commit the turn: ${String(err)}`, { cause: err }),
      );
    }
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

  // --- replies ------------------------------------------------------------------------------------

  #onDuck(gain: number): void {
    const at = this.#output?.duck(gain) ?? this.#ctx.currentTime;
    const turnId = this.#turnId;
    const onset = turnId ? (this.#tracker.marks(turnId)?.speechStart ?? at) : at;
    this.#duck = { turnId: turnId ?? '', onset, at };
  }

  /** Barge-in confirmed (or an explicit interruption): cancel the reply, truncate it at what was heard. */
  #interrupt(onset: number): void {
    const reply = this.#reply;
    const duck = this.#duck;
    if (!reply || reply.cancelled) return;
    const cut = duck?.at ?? this.#ctx.currentTime;
    // The last sample the user heard: the tap's view of the element after the duck took effect.
    const heard = this.#output?.lastHeardTime() ?? null;
    const silentTime = heard !== null && heard > onset && heard <= cut + 0.05 ? heard : Math.max(onset, cut);
    const playedMs = heardMs(reply.startTime, silentTime);
    reply.cancelled = true;
    if (!reply.done) this.#sendQuietly({ type: 'response.cancel', response_id: reply.id });
    this.#sendQuietly({ type: 'output_audio_buffer.clear' });
    if (reply.itemId !== null && reply.startTime !== null) {
      this.#sendQuietly({
        type: 'conversation.item.truncate',
        item_id: reply.itemId,
        content_index: 0,
        audio_end_ms: playedMs,
      });
    }
    if (duck?.turnId) {
      this.#tracker.mark(duck.turnId, 'bargeInOnset', onset);
      this.#tracker.mark(duck.turnId, 'bargeInSilent', silentTime);
    }
    this.emit('interrupted', { responseId: reply.id, itemId: reply.itemId, onsetTime: onset, silentTime, playedMs });
    this.#endReply(reply, silentTime, true);
  }

  /** Cancels a reply that is requested or created but not audible yet (the user is talking again). */
  #cancelPendingReply(): void {
    const reply = this.#reply;
    if (reply && !reply.cancelled && !reply.ended && reply.startTime === null) {
      reply.cancelled = true;
      this.#output?.duck(0);
      if (!reply.done) this.#sendQuietly({ type: 'response.cancel', response_id: reply.id });
      this.#sendQuietly({ type: 'output_audio_buffer.clear' });
      this.#endReply(reply, this.#ctx.currentTime, true);
    } else if (!reply && this.#tracker.awaiting && this.#agentReady) {
      // response.create is in flight: cancel whatever it starts.
      this.#sendQuietly({ type: 'response.cancel' });
    }
  }

  #onReplyCreated(id: string): void {
    const previous = this.#reply;
    if (previous && !previous.ended) this.#endReply(previous, this.#ctx.currentTime, previous.cancelled);
    this.#duck = null;
    this.#output?.restore();
    this.#bargeIn.agentStopped();
    this.#tracker.replyCreated(id, this.#ctx.currentTime);
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
    this.#output?.armReply();
    clearInterval(this.#poll);
    this.#poll = setInterval(() => {
      this.#pollReply();
    }, POLL_MS);
  }

  /** Looks for the reply's first audible sample and its end, on the output tap. */
  #pollReply(): void {
    const reply = this.#reply;
    const out = this.#output;
    if (!reply || reply.ended) {
      clearInterval(this.#poll);
      return;
    }
    if (reply.startTime === null && out && !reply.cancelled) {
      const start = out.replyStartTime();
      if (start !== null) {
        reply.startTime = start;
        const played = start + (this.#ctx.outputLatency || this.#ctx.baseLatency || 0);
        this.#tracker.firstAudio(reply.id, start, played);
        this.#agentSpeaking = true;
        this.emit('agent_audio_start', { responseId: reply.id, time: start });
        const m = this.#tracker.finishReply(reply.id);
        if (m) this.emit('metrics', m);
        this.#update();
      }
    }
    if (reply.startTime !== null && reply.serverStopped && !(out?.audible(AUDIBLE_WINDOW_MS) ?? false)) {
      this.#endReply(reply, out?.stats().lastAudibleTime ?? this.#ctx.currentTime, false);
    } else if (reply.startTime === null && reply.done && performance.now() - reply.doneAt > NO_AUDIO_GRACE_MS) {
      const m = this.#tracker.finishReply(reply.id);
      if (m) this.emit('metrics', m);
      this.#endReply(reply, this.#ctx.currentTime, false);
    }
  }

  #endReply(reply: Reply, time: number, interrupted: boolean): void {
    if (reply.ended) return;
    reply.ended = true;
    if (reply === this.#reply) clearInterval(this.#poll);
    if (reply.startTime !== null) this.emit('agent_audio_end', { responseId: reply.id, time, interrupted });
    else this.#tracker.finishReply(reply.id);
    this.#agentSpeaking = false;
    this.#bargeIn.agentStopped();
    this.#update();
  }

  #onServerEvent(event: ServerEvent): void {
    this.emit('server_event', event);
    const t = this.#transcripts.accept(event);
    if (t) this.emit('transcript', t);
    const reply = this.#reply;
    switch (event.type) {
      case 'session.created':
        this.#agentReady = true;
        this.#extensions = event.session['sotto:extensions'] ?? [];
        this.#link = 'ready';
        this.#update();
        return;
      case 'input_audio_buffer.committed':
        this.#tracker.acked(this.#ctx.currentTime);
        return;
      case 'response.created':
        this.#onReplyCreated(event.response.id);
        this.emit('response_created', event.response);
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
        if (reply?.id === event.response.id) {
          reply.done = true;
          reply.doneAt = performance.now();
          if (event.response.status !== 'completed') reply.serverStopped = true;
        }
        this.emit('response_done', event.response);
        if (this.#createAfterReply && reply?.id === event.response.id) {
          this.#createAfterReply = false;
          this.#sendQuietly({ type: 'response.create' });
        }
        return;
      case 'error':
        this.emit(
          'error',
          new SottoError('server_error', `${event.error.code}: ${event.error.message}`, {
            cause: event.error,
          }),
        );
        return;
      default:
        return;
    }
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
    if (this.#reply && !this.#reply.ended) out.armReply();
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
    const on = this.#listening && !this.#muted && (!ptt || this.#userSpeaking);
    if (this.#transport.status === 'connected' || this.#transport.status === 'reconnecting') {
      await this.#transport.setMicEnabled(on);
    }
  }

  /** Mute/stop during a turn: the turn is dropped, never committed. */
  #dropUserTurn(): void {
    if (this.#turnId) this.#tracker.discard(this.#turnId);
    this.#turnId = null;
    this.#userSpeaking = false;
    this.#bargeIn.speechStopped();
  }

  async #release(): Promise<void> {
    clearInterval(this.#poll);
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
      userSpeaking: this.#userSpeaking,
      awaitingReply:
        this.#tracker.awaiting || (this.#reply !== null && !this.#reply.ended && this.#reply.startTime === null),
      agentSpeaking: this.#agentSpeaking,
    });
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
