/**
 * The event side of an OpenAI-protocol link (a WebSocket, or WebRTC's `oai-events` data channel): JSON
 * text in, validated and tolerated as the LiveKit transport does; the `sotto.heartbeat` extension when
 * the server lists it (ping once a second, pongs kept inside the link); and the link's health from its
 * connection state and heartbeat. Pure: no timers, no sockets; the transport passes `now` and sends.
 */
import { SottoError } from '../../errors.ts';
import { EXT_HEARTBEAT } from '../../protocol/extensions.ts';
import { MAX_STREAM_EVENT_BYTES, parseServerEvent, type ClientEvent, type ServerEvent } from '../../protocol/index.ts';
import type { HealthInputs, HealthSnapshot, HealthThresholds } from '../health.ts';
import { Heartbeat } from '../heartbeat.ts';

const encoder = new TextEncoder();

/** What a received message turned out to be. */
export type Received =
  | { kind: 'event'; event: ServerEvent }
  /** Heartbeat traffic, or an event type this SDK does not know (a newer server): nothing to do. */
  | { kind: 'none' }
  | { kind: 'error'; error: SottoError };

export class EventLink {
  #beat = new Heartbeat();
  #upAt = 0;
  #skipped = 0;

  /** Members of unknown types left out of server events so far (a debug count). */
  get skippedMembers(): number {
    return this.#skipped;
  }

  /** Whether the server answers heartbeats (it listed `sotto.heartbeat`). */
  get heartbeatSupported(): boolean {
    return this.#beat.supported;
  }

  /** A new connection is up at `now`: heartbeat state starts over until its `session.created`. */
  up(now: number): void {
    this.#beat = new Heartbeat();
    this.#upAt = now;
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
      this.#beat.pong(event['sotto:nonce'], now);
      return { kind: 'none' };
    }
    if (event.type === 'session.created') {
      this.#beat.announced(event.session['sotto:extensions']?.includes(EXT_HEARTBEAT) ?? false, now);
    }
    return { kind: 'event', event };
  }

  /** The ping to send now, if one is due (a server with the heartbeat, one a second). */
  ping(now: number): ClientEvent | null {
    const nonce = this.#beat.due(now);
    return nonce === null ? null : { type: 'sotto.ping', 'sotto:nonce': nonce };
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
    return this.#beat.assess(connection, online, this.#upAt, now, thresholds);
  }
}

/** True when two snapshots differ in what observers care about (level or reason). */
export function healthChanged(a: HealthSnapshot, b: HealthSnapshot): boolean {
  return a.level !== b.level || a.reason !== b.reason;
}
