import {
  DisconnectReason,
  RoomEvent,
  Track,
  type LocalTrackPublication,
  type RemoteParticipant,
  type RemoteTrack,
  type Room,
} from 'livekit-client';
import { SottoError } from '../../errors.ts';
import { TypedEmitter } from '../../events.ts';
import { EXT_HEARTBEAT } from '../../protocol/extensions.ts';
import {
  encodeEvent,
  parseServerEvent,
  REALTIME_TOPIC,
  type ClientEvent,
  type ServerEvent,
} from '../../protocol/index.ts';
import { backoffDelay, type BackoffOptions } from '../backoff.ts';
import { assessHealth, smoothRtt, type HealthSnapshot, type HealthThresholds } from '../health.ts';
import type { Transport, TransportEvents, TransportStartOptions, TransportStatus } from '../types.ts';
import { connectRoom } from './connect-room.ts';

/** Options of {@link LiveKitTransport}. */
export interface LiveKitTransportOptions {
  /** LiveKit server URL (`wss://…`). */
  url: string;
  /**
   * An access token, or a function that returns a fresh one. A function is called again for every full
   * rejoin, so a short-lived or single-use token still allows reconnection.
   */
  token: string | (() => Promise<string>);
  /** Give up one connection attempt after this many ms. Default 10000. */
  connectTimeoutMs?: number;
  /** Full-rejoin backoff after LiveKit's own resume failed. */
  backoff?: BackoffOptions;
  /**
   * Delays (ms) of LiveKit's own resume attempts (ICE restart / signal resume, same session) before the
   * transport gives up on resuming and rejoins with a fresh token. Default [0, 300, 1000, 2000]: about
   * 3.3 s of resuming, long enough for a Wi-Fi hand-over, short enough that a dead server is noticed.
   */
  resumeDelaysMs?: readonly number[];
  /** When the link counts as degraded or down. */
  health?: HealthThresholds;
}

const HEALTH_TICK_MS = 500;
/** Heartbeat period when the server speaks `sotto.heartbeat`. */
const HEARTBEAT_MS = 1000;
const RESUME_DELAYS_MS = [0, 300, 1000, 2000] as const;

/**
 * The remote transport: a LiveKit room. The mic goes up as an Opus track (20 ms frames, in-band FEC and
 * RED redundancy, no DTX so the agent hears continuous audio), the agent's reply comes down as a track,
 * and Realtime events travel on the reliable data channel under {@link REALTIME_TOPIC}.
 *
 * Reconnection is an observable state machine: LiveKit's own resume (ICE restart / signal resume) first
 * (`reconnect` phase `resume`), then full rejoins with a fresh token and exponential backoff (phase
 * `rejoin`), then `closed` with an error when the attempts are used up.
 */
export class LiveKitTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'livekit';
  readonly #opts: LiveKitTransportOptions;
  #status: TransportStatus = 'idle';
  #room: Room | null = null;
  #mic: MediaStreamTrack | null = null;
  #micPub: LocalTrackPublication | null = null;
  #health: HealthSnapshot = { level: 'down', reason: 'not connected', rttMs: null, sinceLastPongMs: 0 };
  #healthTimer: ReturnType<typeof setInterval> | undefined;
  #connectedAt = 0;
  #closing = false;
  // Heartbeat (extension sotto.heartbeat): nonce -> send time, smoothed RTT, last pong.
  #heartbeatSupported = false;
  #nonce = 0;
  readonly #pings = new Map<number, number>();
  #rttMs: number | null = null;
  #lastPongAt = 0;

  constructor(options: LiveKitTransportOptions) {
    super();
    this.#opts = options;
  }

  get status(): TransportStatus {
    return this.#status;
  }

  get health(): HealthSnapshot {
    return this.#health;
  }

  /** The LiveKit room while connected (for advanced use: stats, device switching). */
  get room(): Room | null {
    return this.#room;
  }

  async connect({ micTrack }: TransportStartOptions): Promise<void> {
    if (this.#status !== 'idle') throw new SottoError('internal', `connect() called in state ${this.#status}`);
    this.#mic = micTrack;
    this.#setStatus('connecting');
    try {
      await this.#join();
    } catch (e) {
      this.#setStatus('closed');
      throw e;
    }
    this.#healthTimer = setInterval(() => {
      this.#heartbeat();
      this.#updateHealth();
    }, HEALTH_TICK_MS);
  }

  async send(event: ClientEvent): Promise<void> {
    const room = this.#room;
    if (!room || this.#status !== 'connected') {
      throw new SottoError('not_connected', `cannot send ${event.type}: the link is ${this.#status}`);
    }
    await room.localParticipant.publishData(encodeEvent(event), { reliable: true, topic: REALTIME_TOPIC });
  }

  async setMicEnabled(enabled: boolean): Promise<void> {
    const pub = this.#micPub;
    if (!pub) return;
    if (enabled) await pub.unmute();
    else await pub.mute();
  }

  async replaceMicTrack(track: MediaStreamTrack): Promise<void> {
    this.#mic = track;
    const published = this.#micPub?.track;
    if (published) await published.replaceTrack(track, true);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    clearInterval(this.#healthTimer);
    const room = this.#room;
    this.#room = null;
    this.#micPub = null;
    if (room) {
      room.removeAllListeners();
      await room.disconnect();
    }
    this.#setStatus('closed');
  }

  async #token(): Promise<string> {
    const t = this.#opts.token;
    return typeof t === 'function' ? t() : t;
  }

  /** One full join: connect a new Room, listen, publish the mic. */
  async #join(): Promise<void> {
    const mic = this.#mic;
    if (!mic) throw new SottoError('internal', 'no microphone track');
    const resumeDelays = this.#opts.resumeDelaysMs ?? RESUME_DELAYS_MS;
    const room = await connectRoom({
      url: this.#opts.url,
      token: await this.#token(),
      timeoutMs: this.#opts.connectTimeoutMs ?? 10_000,
      roomOptions: {
        reconnectPolicy: {
          // LiveKit asks before each resume attempt; report it, and stop after the configured ones.
          nextRetryDelayInMs: ({ retryCount }) => {
            const delayMs = resumeDelays[retryCount];
            if (delayMs === undefined) return null;
            this.emit('reconnect', { phase: 'resume', attempt: retryCount + 1, delayMs });
            return delayMs;
          },
        },
      },
    });
    if (this.#closing) {
      await room.disconnect();
      return;
    }
    this.#listen(room);
    this.#room = room;
    try {
      // A MediaStreamTrack passed in is wrapped as user-provided: LiveKit will not stop it on unpublish.
      this.#micPub = await room.localParticipant.publishTrack(mic, {
        source: Track.Source.Microphone,
        dtx: false,
        red: true,
      });
    } catch (e) {
      room.removeAllListeners();
      this.#room = null;
      await room.disconnect();
      throw new SottoError('server_unreachable', `could not publish the microphone: ${String(e)}`, { cause: e });
    }
    this.#connectedAt = performance.now();
    this.#setStatus('connected');
    this.#updateHealth();
  }

  #listen(room: Room): void {
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind === Track.Kind.Audio) this.emit('agent_track', track.mediaStreamTrack);
    });
    room.on(RoomEvent.DataReceived, (payload: Uint8Array, _p?: RemoteParticipant, _k?: unknown, topic?: string) => {
      if (topic !== REALTIME_TOPIC) return;
      const parsed = parseServerEvent(payload);
      if (parsed.ok) this.#onServerEvent(parsed.event);
      // An event type we do not know comes from a newer (or a plain OpenAI) server: ignore it, as the
      // protocol asks. Only malformed events of types we know are errors.
      else if (parsed.code !== 'unknown_event')
        this.emit(
          'error',
          new SottoError('protocol_error', `dropped a bad server event (${parsed.code}): ${parsed.message}`),
        );
    });
    const onReconnecting = (): void => {
      this.#setStatus('reconnecting');
      this.#updateHealth();
    };
    // The signal socket and the media path reconnect separately; either one means the link is not usable.
    room.on(RoomEvent.SignalReconnecting, onReconnecting);
    room.on(RoomEvent.Reconnecting, onReconnecting);
    room.on(RoomEvent.Reconnected, () => {
      this.#setStatus('connected');
      this.#updateHealth();
    });
    room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      if (this.#closing || room !== this.#room) return;
      room.removeAllListeners();
      this.#room = null;
      this.#micPub = null;
      if (reason === DisconnectReason.CLIENT_INITIATED) return;
      this.#heartbeatSupported = false;
      this.#pings.clear();
      void this.#rejoin(reason);
    });
  }

  /** Full rejoins with backoff after LiveKit gave up resuming. */
  async #rejoin(reason?: DisconnectReason): Promise<void> {
    this.#setStatus('reconnecting');
    this.#updateHealth();
    let lastError: unknown = new Error(`disconnected (${String(reason)})`);
    for (let attempt = 1; !this.#closing; attempt++) {
      const delayMs = backoffDelay(attempt, Math.random, this.#opts.backoff);
      if (delayMs === null) break;
      this.emit('reconnect', { phase: 'rejoin', attempt, delayMs });
      await new Promise((r) => setTimeout(r, delayMs));
      if (this.#isClosing()) return;
      try {
        await this.#join();
        return;
      } catch (e) {
        lastError = e;
      }
    }
    if (this.#closing) return;
    clearInterval(this.#healthTimer);
    this.emit(
      'error',
      new SottoError('server_unreachable', 'the link is gone and rejoining failed', { cause: lastError }),
    );
    this.#setStatus('closed');
  }

  #onServerEvent(event: ServerEvent): void {
    if (event.type === 'sotto.pong') {
      const sent = this.#pings.get(event['sotto:nonce']);
      if (sent === undefined) return;
      this.#pings.delete(event['sotto:nonce']);
      const now = performance.now();
      this.#rttMs = smoothRtt(this.#rttMs, now - sent);
      this.#lastPongAt = now;
      return; // heartbeat traffic stays inside the transport
    }
    if (event.type === 'session.created') {
      this.#heartbeatSupported = event.session['sotto:extensions']?.includes(EXT_HEARTBEAT) ?? false;
      this.#lastPongAt = performance.now();
    }
    this.emit('server_event', event);
  }

  /** Sends a ping about once a second while connected to a server that answers them. */
  #heartbeat(): void {
    const room = this.#room;
    if (!this.#heartbeatSupported || !room || this.#status !== 'connected') return;
    const now = performance.now();
    const last = this.#pings.size > 0 ? Math.max(...this.#pings.values()) : 0;
    if (now - last < HEARTBEAT_MS) return;
    for (const [n, t] of this.#pings) if (now - t > 10_000) this.#pings.delete(n);
    const nonce = ++this.#nonce;
    this.#pings.set(nonce, now);
    const ping: ClientEvent = { type: 'sotto.ping', 'sotto:nonce': nonce };
    room.localParticipant.publishData(encodeEvent(ping), { reliable: true, topic: REALTIME_TOPIC }).catch(() => {
      this.#pings.delete(nonce);
    });
  }

  /** A method, not the field, so TypeScript does not narrow it across awaits. */
  #isClosing(): boolean {
    return this.#closing;
  }

  #updateHealth(): void {
    const connection =
      this.#status === 'connected'
        ? 'connected'
        : this.#status === 'reconnecting'
          ? 'reconnecting'
          : this.#status === 'connecting'
            ? 'connecting'
            : 'disconnected';
    const next = assessHealth(
      {
        connection,
        online: globalThis.navigator.onLine,
        rttMs: this.#rttMs,
        lastPongAt: Math.max(this.#lastPongAt, this.#connectedAt),
        heartbeatSupported: this.#heartbeatSupported,
        now: performance.now(),
      },
      this.#opts.health,
    );
    const changed = next.level !== this.#health.level || next.reason !== this.#health.reason;
    this.#health = next;
    if (changed) this.emit('health', next);
  }

  #setStatus(status: TransportStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.emit('status', status);
  }
}
