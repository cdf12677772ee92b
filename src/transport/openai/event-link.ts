/**
 * The event side of an OpenAI-protocol link (a WebSocket, or WebRTC's `oai-events` data channel): JSON
 * text in, validated and tolerated as the LiveKit transport does; the `sotto.heartbeat` extension when
 * the server lists it (ping once a second, pongs kept inside the link); and the link's health from its
 * connection state and heartbeat. Pure: no timers, no sockets; the transport passes `now` and sends.
 */
import { SottoError } from '../../errors.ts';
import { EXT_HEARTBEAT } from '../../protocol/extensions.ts';
import { MAX_STREAM_EVENT_BYTES, parseServerEvent, type ClientEvent, type ServerEvent } from '../../protocol/index.ts';
import { assessHealth, smoothRtt, type HealthInputs, type HealthSnapshot, type HealthThresholds } from '../health.ts';

/** Heartbeat period, ms (when the server speaks `sotto.heartbeat`). */
const HEARTBEAT_MS = 1000;
/** A ping not answered this long is forgotten, ms. */
const PING_FORGET_MS = 10_000;

const encoder = new TextEncoder();

/** What a received message turned out to be. */
export type Received =
  | { kind: 'event'; event: ServerEvent }
  /** Heartbeat traffic, or an event type this SDK does not know (a newer server): nothing to do. */
  | { kind: 'none' }
  | { kind: 'error'; error: SottoError };

export class EventLink {
  #heartbeat = false;
  #nonce = 0;
  readonly #pings = new Map<number, number>();
  #rttMs: number | null = null;
  #lastPongAt = 0;
  #upAt = 0;
  #skipped = 0;
  #offlineAt: number | null = null;

  /** Members of unknown types left out of server events so far (a debug count). */
  get skippedMembers(): number {
    return this.#skipped;
  }

  /** Whether the server answers heartbeats (it listed `sotto.heartbeat`). */
  get heartbeatSupported(): boolean {
    return this.#heartbeat;
  }

  /** A new connection is up at `now`: heartbeat state starts over until its `session.created`. */
  up(now: number): void {
    this.#heartbeat = false;
    this.#pings.clear();
    this.#rttMs = null;
    this.#upAt = now;
    this.#lastPongAt = now;
  }

  /** One message from the server (a text frame; binary frames are not part of the protocol). */
  receive(data: unknown, now: number): Received {
    if (typeof data !== 'string') {
      return { kind: 'error', error: new SottoError('protocol_error', 'dropped a binary frame: events are JSON text') };
    }
    const parsed = parseServerEvent(encoder.encode(data), { maxBytes: MAX_STREAM_EVENT_BYTES });
    if (!parsed.ok) {
      // A type we do not know comes from a newer server: ignore it, as the protocol asks.
      if (parsed.code === 'unknown_event') return { kind: 'none' };
      const msg = `dropped a bad server event (${parsed.code}): ${parsed.message}`;
      return { kind: 'error', error: new SottoError('protocol_error', msg) };
    }
    if (parsed.skipped !== undefined) this.#skipped += parsed.skipped;
    const event = parsed.event;
    if (event.type === 'sotto.pong') {
      const sent = this.#pings.get(event['sotto:nonce']);
      if (sent !== undefined) {
        this.#pings.delete(event['sotto:nonce']);
        this.#rttMs = smoothRtt(this.#rttMs, now - sent);
        this.#lastPongAt = now;
      }
      return { kind: 'none' };
    }
    if (event.type === 'session.created') {
      this.#heartbeat = event.session['sotto:extensions']?.includes(EXT_HEARTBEAT) ?? false;
      this.#lastPongAt = now;
    }
    return { kind: 'event', event };
  }

  /** The ping to send now, if one is due (a server with the heartbeat, one a second). */
  ping(now: number): ClientEvent | null {
    if (!this.#heartbeat) return null;
    const last = this.#pings.size > 0 ? Math.max(...this.#pings.values()) : 0;
    if (now - last < HEARTBEAT_MS) return null;
    for (const [n, t] of this.#pings) if (now - t > PING_FORGET_MS) this.#pings.delete(n);
    const nonce = ++this.#nonce;
    this.#pings.set(nonce, now);
    return { type: 'sotto.ping', 'sotto:nonce': nonce };
  }

  /**
   * The link's health. `online` is `navigator.onLine`: a browser with only loopback says offline, so a
   * pong after it said so proves the link works (as in the LiveKit transport).
   */
  health(
    connection: HealthInputs['connection'],
    online: boolean,
    now: number,
    thresholds?: HealthThresholds,
  ): HealthSnapshot {
    if (online) this.#offlineAt = null;
    else this.#offlineAt ??= now;
    const reachable = online || (this.#offlineAt !== null && this.#lastPongAt > this.#offlineAt);
    return assessHealth(
      {
        connection,
        online: reachable,
        rttMs: this.#rttMs,
        lastPongAt: Math.max(this.#lastPongAt, this.#upAt),
        heartbeatSupported: this.#heartbeat,
        now,
      },
      thresholds,
    );
  }
}

/** True when two snapshots differ in what observers care about (level or reason). */
export function healthChanged(a: HealthSnapshot, b: HealthSnapshot): boolean {
  return a.level !== b.level || a.reason !== b.reason;
}
