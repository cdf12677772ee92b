import { CaptureNode } from '../audio/capture-node.ts';
import { openMicrophone } from '../audio/microphone.ts';
import { OutputTap, type OutputTapStats } from '../audio/output-tap.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import { LiveKitTransport } from '../transport/livekit/livekit-transport.ts';
import type { Transport, TransportStatus } from '../transport/types.ts';
import type { SessionState, VoiceSessionEvents } from './events.ts';
import { VadClient } from '../vad/vad-client.ts';
import type { VadOptions } from '../vad/types.ts';
import type { ConnectOptions } from './options.ts';

/**
 * A voice session with a Realtime-style agent: the mic goes up through a {@link Transport} (LiveKit by
 * default), the agent's reply comes back as audio, and Realtime events flow both ways.
 *
 * Create it with {@link VoiceSession.connect}. `close()` closes the transport, stops the microphone the
 * session opened (a `mediaStream` the app passed in is NOT stopped), closes the AudioContext it created
 * (one passed in is not), and removes the audio element it created.
 */
export class VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  readonly #transport: Transport;
  readonly #mic: MediaStream;
  readonly #ownsMic: boolean;
  readonly #ctx: AudioContext;
  readonly #ownsCtx: boolean;
  #state: SessionState = 'connecting';
  #agentReady = false;
  #tap: OutputTap | null = null;
  #audioEl: HTMLAudioElement | null = null;
  #capture: CaptureNode | null = null;
  #micSource: MediaStreamAudioSourceNode | null = null;
  #vad: VadClient | null = null;
  #closed = false;

  private constructor(transport: Transport, mic: MediaStream, ownsMic: boolean, ctx: AudioContext, ownsCtx: boolean) {
    super();
    this.#transport = transport;
    this.#mic = mic;
    this.#ownsMic = ownsMic;
    this.#ctx = ctx;
    this.#ownsCtx = ownsCtx;
  }

  /**
   * Connects, publishes the microphone and resolves; listen for `state` = `ready` (the agent has said
   * `session.created`) before committing turns. Rejects with a {@link SottoError}
   * (`unsupported_browser`, `token_rejected`, `server_unreachable`, `connect_timeout`,
   * `mic_permission_denied`, `no_microphone`); nothing is left open on failure.
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
      session = new VoiceSession(transport, mic, !opts.mediaStream, ctx, !opts.audioContext);
      session.#listen();
      await transport.connect({ micTrack });
      if (ctx.state === 'suspended') void ctx.resume();
      if ((opts.endpointing ?? 'client') === 'client') await session.#startEndpointing(opts.vad ?? {});
      session.#setState(session.#agentReady ? 'ready' : 'connected');
      return session;
    } catch (e) {
      if (session) await session.#stopEndpointing();
      await transport.close();
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

  /** The active transport (LiveKit, or the one passed in). */
  get transport(): Transport {
    return this.#transport;
  }

  /** What the agent's audio has delivered so far (null before the agent's audio arrives). */
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

  /** Sends one Realtime client event. Rejects with `not_connected` before the agent is ready. */
  async send(event: ClientEvent): Promise<void> {
    if (this.#closed || !this.#agentReady) {
      throw new SottoError('not_connected', `cannot send ${event.type}: the agent is not ready`);
    }
    await this.#transport.send(event);
  }

  /** Closes the transport and releases what the session opened. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
    await this.#stopEndpointing();
    this.#release();
    if (this.#ownsCtx) await this.#ctx.close().catch(() => undefined);
    this.#setState('closed');
  }

  /**
   * Client endpointing: the mic goes through the capture worklet into the 16 kHz ring, the VAD worker
   * reads the ring (shared memory) or the capture's batches (MessagePort), and `turn_end` commits the turn.
   */
  async #startEndpointing(options: VadOptions): Promise<void> {
    const capture = await CaptureNode.create(this.#ctx);
    const source = this.#ctx.createMediaStreamSource(this.#mic);
    source.connect(capture.input);
    this.#capture = capture;
    this.#micSource = source;
    const vad = new VadClient(options);
    this.#vad = vad;
    vad.on('error', (e) => {
      this.emit('error', new SottoError('vad_error', `voice activity detection: ${e.message}`, { cause: e }));
    });
    vad.on('speech_start', (e) => {
      this.emit('speech_start', e);
    });
    vad.on('turn_ending', (e) => {
      this.emit('turn_ending', e);
    });
    vad.on('turn_end', (e) => {
      this.emit('turn_end', e);
      if (!this.#agentReady) return;
      this.commit().catch((err: unknown) => {
        this.emit(
          'error',
          new SottoError('not_connected', `could not commit the turn: ${String(err)}`, { cause: err }),
        );
      });
    });
    if (capture.storage instanceof SharedArrayBuffer) {
      // From the first captured sample: the model loads for ~1 s and must not miss the start of the first turn.
      vad.start({ type: 'ring', storage: capture.storage, startAt: 'oldest' });
    } else {
      const port = vad.start({ type: 'port' });
      capture.on('chunk', (c) => {
        port.postMessage({ type: 'samples', samples: c.samples, position: c.position, time: c.time });
      });
    }
  }

  async #stopEndpointing(): Promise<void> {
    const vad = this.#vad;
    this.#vad = null;
    this.#micSource?.disconnect();
    this.#micSource = null;
    this.#capture?.close();
    this.#capture = null;
    await vad?.close();
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
      // The agent's session survives a resume; after a full rejoin it says `session.created` again.
      this.#setState('reconnecting');
    } else if (status === 'connected' && this.#state === 'reconnecting') {
      this.#setState(this.#agentReady ? 'ready' : 'connected');
    } else if (status === 'closed' && !this.#closed) {
      this.#closed = true;
      void this.#stopEndpointing();
      this.#release();
      this.#setState('closed');
    }
  }

  async #onAgentTrack(track: MediaStreamTrack): Promise<void> {
    // Play through a media element: the path Chrome's echo canceller sees, so the agent does not hear itself.
    this.#audioEl?.remove();
    const el = document.createElement('audio');
    el.autoplay = true;
    el.srcObject = new MediaStream([track]);
    this.#audioEl = el;
    el.play().catch((e: unknown) => {
      this.emit('error', new SottoError('internal', `agent audio did not start playing: ${String(e)}`, { cause: e }));
    });
    this.#tap?.close();
    this.#tap = await OutputTap.create(this.#ctx, track);
  }

  #onServerEvent(event: ServerEvent): void {
    this.emit('server_event', event);
    switch (event.type) {
      case 'session.created':
        this.#agentReady = true;
        if (this.#state !== 'connecting') this.#setState('ready');
        return;
      case 'response.created':
        this.emit('response_created', event.response);
        return;
      case 'response.done':
        this.emit('response_done', event.response);
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
    if (this.#audioEl) {
      this.#audioEl.srcObject = null;
      this.#audioEl.remove();
    }
    this.#audioEl = null;
    if (this.#ownsMic) for (const t of this.#mic.getTracks()) t.stop();
  }

  #setState(state: SessionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }
}
