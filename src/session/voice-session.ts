import { RoomEvent, Track, type RemoteParticipant, type RemoteTrack, type Room } from 'livekit-client';
import { openMicrophone } from '../audio/microphone.ts';
import { OutputTap, type OutputTapStats } from '../audio/output-tap.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import {
  encodeEvent,
  parseServerEvent,
  REALTIME_TOPIC,
  type ClientEvent,
  type ResponseInfo,
  type ServerEvent,
} from '../protocol/index.ts';
import { connectRoom } from '../transport/livekit/connect-room.ts';
import type { SessionState, VoiceSessionEvents } from './events.ts';
import type { ConnectOptions } from './options.ts';

/**
 * A voice session with a Realtime-style agent over LiveKit: the mic goes up as a WebRTC track, the
 * agent's reply comes back as a track, and Realtime events travel on the reliable data channel.
 *
 * Create it with {@link VoiceSession.connect}. `close()` leaves the room, stops the microphone the session
 * opened (a stream the app passed in is NOT stopped), closes the AudioContext it created, and removes
 * the audio element it created.
 */
export class VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  readonly #room: Room;
  readonly #mic: MediaStream;
  readonly #ownsMic: boolean;
  readonly #ctx: AudioContext;
  readonly #ownsCtx: boolean;
  #state: SessionState = 'connecting';
  #agent: RemoteParticipant | null = null;
  #agentReady = false;
  #tap: OutputTap | null = null;
  #audioEl: HTMLMediaElement | null = null;
  #closed = false;

  private constructor(room: Room, mic: MediaStream, ownsMic: boolean, ctx: AudioContext, ownsCtx: boolean) {
    super();
    this.#room = room;
    this.#mic = mic;
    this.#ownsMic = ownsMic;
    this.#ctx = ctx;
    this.#ownsCtx = ownsCtx;
  }

  /**
   * Connects to the LiveKit room, publishes the microphone and waits for nothing else: listen for
   * `state` = `ready` (the agent has joined and said `session.created`) before committing turns.
   * Rejects with a {@link SottoError} (`unsupported_browser`, `token_rejected`, `server_unreachable`,
   * `connect_timeout`, `mic_permission_denied`, `no_microphone`); nothing is left open on failure.
   */
  static async connect(opts: ConnectOptions): Promise<VoiceSession> {
    if (typeof RTCPeerConnection === 'undefined' || typeof AudioContext === 'undefined') {
      throw new SottoError('unsupported_browser', 'this browser lacks WebRTC or Web Audio');
    }
    const token = typeof opts.token === 'function' ? await opts.token() : opts.token;
    const room = await connectRoom({ url: opts.url, token, timeoutMs: opts.connectTimeoutMs ?? 10_000 });
    let mic: MediaStream | undefined;
    const ctx = opts.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
    try {
      mic = opts.mediaStream ?? (await openMicrophone(opts.microphone));
      const session = new VoiceSession(room, mic, !opts.mediaStream, ctx, !opts.audioContext);
      await session.#start();
      return session;
    } catch (e) {
      await room.disconnect();
      if (!opts.mediaStream) for (const t of mic?.getTracks() ?? []) t.stop();
      if (!opts.audioContext) await ctx.close().catch(() => undefined);
      throw e;
    }
  }

  /** Current state. */
  get state(): SessionState {
    return this.#state;
  }

  /** The AudioContext whose clock stamps every measurement of this session. */
  get audioContext(): AudioContext {
    return this.#ctx;
  }

  /** What the agent's track has delivered so far (null before the agent's track arrives). */
  agentAudio(): OutputTapStats | null {
    return this.#tap?.stats() ?? null;
  }

  /**
   * Ends the user's turn by hand (push-to-talk, or a button standing in for endpointing): sends
   * `input_audio_buffer.commit` then `response.create`.
   */
  async commit(): Promise<void> {
    await this.send({ type: 'input_audio_buffer.commit' });
    await this.send({ type: 'response.create' });
  }

  /** Sends one Realtime client event on the reliable data channel. */
  async send(event: ClientEvent): Promise<void> {
    if (this.#closed || !this.#agentReady) {
      throw new SottoError('not_connected', `cannot send ${event.type}: the agent is not ready`);
    }
    await this.#room.localParticipant.publishData(encodeEvent(event), { reliable: true, topic: REALTIME_TOPIC });
  }

  /** Leaves the room and releases what the session opened. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#room.removeAllListeners();
    await this.#room.disconnect();
    this.#release();
    if (this.#ownsCtx) await this.#ctx.close().catch(() => undefined);
    this.#setState('closed');
  }

  async #start(): Promise<void> {
    const room = this.#room;
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, p: RemoteParticipant) => {
      if (track.kind === Track.Kind.Audio) void this.#onAgentTrack(track, p);
    });
    room.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      if (topic === REALTIME_TOPIC) this.#onData(payload, participant);
    });
    room.on(RoomEvent.ParticipantDisconnected, (p) => {
      if (p === this.#agent) {
        this.#agent = null;
        this.#agentReady = false;
        this.#setState('connected');
      }
    });
    room.on(RoomEvent.Disconnected, () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#release();
      this.emit('error', new SottoError('server_unreachable', 'disconnected from the LiveKit server'));
      this.#setState('closed');
    });
    const [micTrack] = this.#mic.getAudioTracks();
    if (!micTrack) throw new SottoError('no_microphone', 'the media stream has no audio track');
    // A MediaStreamTrack passed in is wrapped as user-provided: LiveKit will not stop it on unpublish.
    await room.localParticipant.publishTrack(micTrack, { source: Track.Source.Microphone, dtx: false, red: true });
    if (this.#ctx.state === 'suspended') void this.#ctx.resume();
    this.#setState('connected');
  }

  async #onAgentTrack(track: RemoteTrack, p: RemoteParticipant): Promise<void> {
    this.#agent = p;
    // Play through a media element: the path Chrome's echo canceller sees, so the agent does not hear itself.
    this.#audioEl?.remove();
    this.#audioEl = track.attach();
    this.#tap?.close();
    this.#tap = await OutputTap.create(this.#ctx, track.mediaStreamTrack);
  }

  #onData(payload: Uint8Array, from: RemoteParticipant | undefined): void {
    const parsed = parseServerEvent(payload);
    if (!parsed.ok) {
      this.emit(
        'error',
        new SottoError('protocol_error', `dropped a bad server event (${parsed.code}): ${parsed.message}`),
      );
      return;
    }
    const event = parsed.event;
    this.emit('server_event', event);
    this.#dispatch(event, from);
  }

  #dispatch(event: ServerEvent, from: RemoteParticipant | undefined): void {
    switch (event.type) {
      case 'session.created':
        this.#agent = from ?? this.#agent;
        this.#agentReady = true;
        this.#setState('ready');
        return;
      case 'response.created':
        this.emit('response_created', event.response);
        return;
      case 'response.done':
        this.emit('response_done', event.response satisfies ResponseInfo);
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

  #release(): void {
    this.#tap?.close();
    this.#tap = null;
    this.#audioEl?.remove();
    this.#audioEl = null;
    if (this.#ownsMic) for (const t of this.#mic.getTracks()) t.stop();
  }

  #setState(state: SessionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
