import {
  DisconnectReason,
  RoomEvent,
  Track,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
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
import { backoffDelay } from '../backoff.ts';
import type { AgentProtocol } from '../lk-agents-adapter.ts';
import { EventInbox, EventOutbox } from '../text-stream-events.ts';
import { LkAgentsLink } from './lk-agents-link.ts';
import type { LiveKitTransportOptions } from './livekit-options.ts';

export type { LiveKitTransportOptions } from './livekit-options.ts';
import { sendStreamText } from './send-stream-text.ts';
import type { HealthSnapshot } from '../health.ts';
import { connectionOf, Heartbeat } from '../heartbeat.ts';
import type { Transport, TransportEvents, TransportStartOptions, TransportStatus } from '../types.ts';
import { AgentPeer } from './agent-peer.ts';
import { AgentPings } from './agent-pings.ts';
import { connectRoom } from './connect-room.ts';
import { RoomMic } from './room-mic.ts';

const HEALTH_TICK_MS = 500;
const RESUME_DELAYS_MS = [0, 300, 1000, 2000] as const;

/**
 * The remote transport: a LiveKit room. The mic goes up as an Opus track (20 ms frames, in-band FEC and
 * RED redundancy, no DTX so the agent hears continuous audio), the agent's reply comes down as a track,
 * and Realtime events travel on the reliable data channel under {@link REALTIME_TOPIC}.
 *
 * Reconnection is an observable state machine: LiveKit's own resume (ICE restart / signal resume) first
 * (`reconnect` phase `resume`), then full rejoins with a fresh token and capped exponential backoff (phase
 * `rejoin`) until the app closes the transport; `closed` with an error only when the server rejects the
 * token (or `backoff.maxAttempts` is set and used up). Every room gets its own clone of the mic
 * ({@link RoomMic}), so the caller's track survives every rejoin.
 *
 * Trust: server events count only from the agent participant that announced the session
 * ({@link AgentPeer}); client events go only to it (`destinationIdentities`), and only agent participants
 * may subscribe to the mic. Events from anyone else are dropped and reported (`untrusted_participant`).
 */
export class LiveKitTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'livekit';
  readonly #opts: LiveKitTransportOptions;
  #status: TransportStatus = 'idle';
  #room: Room | null = null;
  #mic: MediaStreamTrack | null = null;
  /** The current room's published clone of {@link #mic}. */
  #roomMic: RoomMic | null = null;
  #micEnabled = true;
  readonly #agent = new AgentPeer();
  readonly #outbox = new EventOutbox();
  #skipped = 0;
  /** A stock LiveKit Agents agent, when the room's agent turns out to be one. */
  readonly #lkAgents: LkAgentsLink;
  /** Audio tracks of the agent participants in the room; only the trusted agent's plays. */
  readonly #agentTracks = new Map<string, MediaStreamTrack>();
  /**
   * A `session.created` that arrived before livekit-client knew its sender (no participant yet): it is the
   * announcement of the agent that joins next, within a few seconds (only an agent's later events count).
   */
  #earlyHello: { event: ServerEvent; at: number } | null = null;
  #health: HealthSnapshot = { level: 'down', reason: 'not connected', rttMs: null, sinceLastPongMs: 0 };
  #healthTimer: ReturnType<typeof setInterval> | undefined;
  #connectedAt = 0;
  #closing = false;
  readonly #beat = new Heartbeat();
  /** The heartbeat's pings, the hello, and {@link agentAnswers}'s ping (all to agents in the room). */
  readonly #pings = new AgentPings(this.#beat);

  constructor(options: LiveKitTransportOptions) {
    super();
    this.#opts = options;
    this.#lkAgents = new LkAgentsLink(
      {
        adopt: (identity) => {
          const verdict = this.#agent.judge({ identity, isAgent: true }, 'session.created');
          const track = this.#agentTracks.get(identity);
          if (verdict.accept && track) this.emit('agent_track', track);
        },
        event: (e) => {
          this.emit('server_event', e);
        },
        failed: (error) => {
          this.emit('error', error);
        },
        noAgent: (ms) => {
          this.emit('error', new SottoError('no_agent', `no agent joined the room in ${String(ms)} ms`));
        },
        sottoAgent: () => this.#agent.identity,
      },
      options.agent,
    );
  }

  /**
   * Members of unknown types left out of server events so far (an `input_image` part, an `mcp_call` item):
   * a debug count; such members never make an event fail.
   */
  get skippedMembers(): number {
    return this.#skipped;
  }

  /** The protocol of the room's agent: `sotto`, `livekit-agents`, or null before one is known. */
  get agentProtocol(): AgentProtocol | null {
    return this.#lkAgents.protocol;
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
    const attempts = Math.max(1, this.#opts.connectAttempts ?? 2);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#join();
        break;
      } catch (e) {
        const again = e instanceof SottoError && e.code === 'connect_timeout' && attempt < attempts;
        if (again && !this.#isClosing()) continue;
        this.#setStatus('closed');
        throw e;
      }
    }
    this.#healthTimer = setInterval(() => {
      const room = this.#room;
      if (room && this.#status === 'connected') this.#pings.tick(room, this.#agent.identity, performance.now());
      this.#lkAgents.tick(performance.now());
      this.#updateHealth();
    }, HEALTH_TICK_MS);
  }

  /** The identity of the agent the transport trusts now, or null (none announced, or it left). */
  get agentIdentity(): string | null {
    return this.#agent.identity;
  }

  async send(event: ClientEvent): Promise<void> {
    const room = this.#room;
    if (!room || this.#status !== 'connected') {
      throw new SottoError('not_connected', `cannot send ${event.type}: the link is ${this.#status}`);
    }
    const agent = this.#agent.identity;
    if (agent === null) throw new SottoError('not_connected', `cannot send ${event.type}: no agent in the room`);
    if (await this.#lkAgents.send(event)) return; // a LiveKit Agents agent: typed text on lk.chat
    // Over one data packet, the event goes as a text stream (in order with the packets around it).
    await this.#outbox.send(encodeEvent(event), {
      packet: (bytes) =>
        room.localParticipant.publishData(bytes, {
          reliable: true,
          topic: REALTIME_TOPIC,
          destinationIdentities: [agent],
        }),
      stream: (text, streamId) =>
        sendStreamText(room.localParticipant, text, {
          topic: REALTIME_TOPIC,
          destinationIdentities: [agent],
          streamId,
        }),
    });
  }

  /**
   * A new agent's first events can be lost: the server drops data sent to a participant still becoming
   * active (livekit/livekit#3049), and the agent may announce itself before that. A ping now, and the
   * heartbeat's next ones, prove the path once one is answered.
   */
  /** Since when the trusted agent has heard the mic without a gap (see {@link Transport.micHeardSince}). */
  micHeardSince(): number | null | undefined {
    return this.#pings.micHeardSince();
  }

  agentAnswers(timeoutMs: number): Promise<boolean> {
    const room = this.#room;
    const agent = this.#agent.identity;
    if (!room || agent === null || this.#status !== 'connected') return Promise.resolve(false);
    return this.#pings.answers(room, agent, timeoutMs);
  }

  async setMicEnabled(enabled: boolean): Promise<void> {
    this.#micEnabled = enabled;
    await this.#roomMic?.setEnabled(enabled);
  }

  async replaceMicTrack(track: MediaStreamTrack): Promise<void> {
    this.#mic = track;
    await this.#roomMic?.replace(track);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    clearInterval(this.#healthTimer);
    this.#pings.close();
    const room = this.#room;
    this.#room = null;
    if (room) {
      room.removeAllListeners();
      await room.disconnect();
    }
    this.#releaseMic();
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
      // Listening from before the join: an agent already in the room (the same job after a rejoin) has its
      // track subscribed, and may greet, while connect() is still pending.
      prepare: (r) => {
        this.#agent.reset();
        this.#agentTracks.clear();
        this.#earlyHello = null;
        this.#pings.joining(performance.now()); // an agent already in the room greets by itself first
        this.#listen(r);
        this.#lkAgents.attach(r, performance.now());
      },
    });
    if (this.#closing) {
      room.removeAllListeners();
      await room.disconnect();
      return;
    }
    this.#room = room;
    const roomMic = new RoomMic(room);
    this.#roomMic = roomMic;
    try {
      // Only agents may subscribe to the mic (another participant with a token for the room may not).
      this.#allowAgents(room);
      await roomMic.publish(mic, this.#micEnabled);
    } catch (e) {
      room.removeAllListeners();
      this.#room = null;
      await room.disconnect();
      this.#releaseMic();
      throw new SottoError('server_unreachable', `could not publish the microphone: ${String(e)}`, { cause: e });
    }
    this.#connectedAt = performance.now();
    this.#setStatus('connected');
    this.#updateHealth();
  }

  #listen(room: Room): void {
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub: RemoteTrackPublication, p: RemoteParticipant) => {
      // Only the trusted agent's voice plays (not another participant's, not a second agent's).
      if (track.kind !== Track.Kind.Audio || !p.isAgent) return;
      this.#agentTracks.set(p.identity, track.mediaStreamTrack);
      if (p.identity === this.#agent.identity) this.emit('agent_track', track.mediaStreamTrack);
    });
    // Events over one data packet come as text streams on the same topic; the inbox keeps each sender's order.
    const inbox = new EventInbox<RemoteParticipant | undefined>(
      (p) => p?.identity ?? '',
      (bytes, p, maxBytes) => {
        if (room === this.#room) this.#onRealtime(bytes, p, maxBytes);
      },
    );
    room.on(RoomEvent.DataReceived, (payload: Uint8Array, p?: RemoteParticipant, _k?: unknown, topic?: string) => {
      if (topic === REALTIME_TOPIC) inbox.packet(payload, p);
    });
    room.registerTextStreamHandler(REALTIME_TOPIC, (reader, info) => {
      inbox.stream(reader, room.remoteParticipants.get(info.identity), reader.info.id);
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
    room.on(RoomEvent.ParticipantConnected, (p: RemoteParticipant) => {
      if (!p.isAgent) return;
      // While the join is pending #join sets the permissions itself once connected.
      if (room === this.#room) this.#allowAgents(room);
      const early = this.#earlyHello;
      this.#earlyHello = null;
      if (early && performance.now() - early.at < 5000) {
        const verdict = this.#agent.judge({ identity: p.identity, isAgent: true }, early.event.type);
        if (verdict.accept) this.#onServerEvent(early.event);
      }
    });
    room.on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => {
      this.#agentTracks.delete(p.identity);
      if (p.isAgent && room === this.#room) this.#allowAgents(room);
      this.#lkAgents.left(p.identity);
      if (this.#agent.left(p.identity)) {
        // The agent's job is gone (crashed or ended): its heartbeat with it. A new agent says hello.
        this.#beat.stop();
        this.emit('agent_left', { identity: p.identity });
      }
    });
    room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      if (this.#closing || room !== this.#room) return;
      room.removeAllListeners();
      this.#room = null;
      this.#releaseMic();
      if (reason === DisconnectReason.CLIENT_INITIATED) return;
      this.#beat.stop();
      void this.#rejoin(reason);
    });
  }

  /** One Realtime event from the room (a data packet, or a text stream up to `maxBytes`). */
  #onRealtime(payload: Uint8Array, p: RemoteParticipant | undefined, maxBytes: number): void {
    const parsed = parseServerEvent(payload, { maxBytes });
    if (parsed.ok && parsed.skipped !== undefined) this.#skipped += parsed.skipped;
    if (parsed.ok && !p && parsed.event.type === 'session.created') {
      this.#earlyHello = { event: parsed.event, at: performance.now() };
      return;
    }
    if (parsed.ok) {
      const verdict = this.#agent.judge(
        p ? { identity: p.identity, isAgent: p.isAgent } : undefined,
        parsed.event.type,
      );
      if (verdict.accept && verdict.newAgent && p) {
        // A (new) agent took over the room: its voice is the one to play.
        const track = this.#agentTracks.get(p.identity);
        if (track) this.emit('agent_track', track);
      }
      if (verdict.accept) this.#onServerEvent(parsed.event);
      else if (verdict.report !== null)
        this.emit('error', new SottoError('untrusted_participant', `ignored Realtime events from ${verdict.report}`));
    }
    // An event type we do not know comes from a newer (or a plain OpenAI) server: ignore it, as the
    // protocol asks. Only malformed events of types we know are errors.
    else if (parsed.code !== 'unknown_event')
      this.emit(
        'error',
        new SottoError('protocol_error', `dropped a bad server event (${parsed.code}): ${parsed.message}`),
      );
  }

  /** Full rejoins with backoff after LiveKit gave up resuming. */
  async #rejoin(reason?: DisconnectReason): Promise<void> {
    this.#setStatus('reconnecting');
    this.#updateHealth();
    let lastError: unknown = new Error(`disconnected (${String(reason)})`);
    let fatal: SottoError | null = null;
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
        // No retry fixes a token the server refuses (expired, revoked, wrong key).
        if (e instanceof SottoError && e.code === 'token_rejected') {
          fatal = e;
          break;
        }
      }
    }
    if (this.#closing) return;
    clearInterval(this.#healthTimer);
    this.emit(
      'error',
      fatal ?? new SottoError('server_unreachable', 'the link is gone and rejoining failed', { cause: lastError }),
    );
    this.#setStatus('closed');
  }

  /** Only the agents in the room may subscribe to the mic. */
  #allowAgents(room: Room): void {
    const agents = [...room.remoteParticipants.values()].filter((p) => p.isAgent);
    room.localParticipant.setTrackSubscriptionPermissions(
      false,
      agents.map((p) => ({ participantIdentity: p.identity, allowAll: true })),
    );
  }

  #releaseMic(): void {
    this.#roomMic?.release();
    this.#roomMic = null;
  }

  #onServerEvent(event: ServerEvent): void {
    if (event.type === 'sotto.pong') {
      const age = event['sotto:audio_age_ms'];
      const run = event['sotto:audio_run_ms'];
      this.#pings.pong(
        event['sotto:nonce'],
        performance.now(),
        age === undefined ? undefined : { ageMs: age, runMs: run ?? 0 },
      );
      return; // heartbeat traffic stays inside the transport
    }
    if (event.type === 'session.created') {
      this.#lkAgents.sottoAnnounced();
      this.#pings.newAgent(); // what it hears of the mic: from its next pong on
      this.#beat.announced(event.session['sotto:extensions']?.includes(EXT_HEARTBEAT) ?? false, performance.now());
    } else if (this.#health.level === 'down') {
      // The agent's events arrive again (a stalled link came back): healthy before the next pong, so a
      // reply that starts now is not taken for one on a dead link.
      this.#beat.heard(performance.now());
      this.#updateHealth();
    }
    this.emit('server_event', event);
  }

  /** A method, not the field, so TypeScript does not narrow it across awaits. */
  #isClosing(): boolean {
    return this.#closing;
  }

  #updateHealth(): void {
    const now = performance.now();
    const next = this.#beat.assess(
      connectionOf(this.#status),
      globalThis.navigator.onLine,
      this.#connectedAt,
      now,
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
