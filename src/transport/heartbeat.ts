/**
 * The link heartbeat's bookkeeping (extension `sotto.heartbeat`), pure: which ping to send when, the
 * smoothed round trip from the pongs, and the health it implies together with the link status and the
 * browser's online flag. The transport sends the pings and feeds the pongs; the clock is passed in.
 */
import { assessHealth, smoothRtt, type HealthInputs, type HealthSnapshot, type HealthThresholds } from './health.ts';
import type { TransportStatus } from './types.ts';

/** The health model's connection state for a transport status. */
export function connectionOf(status: TransportStatus): HealthInputs['connection'] {
  if (status === 'connected' || status === 'reconnecting' || status === 'connecting') return status;
  return 'disconnected';
}

/** About one ping a second while the agent answers them. */
export const HEARTBEAT_MS = 1000;
/** A ping unanswered for this long is forgotten. */
const PING_TTL_MS = 10_000;

export class Heartbeat {
  #supported = false;
  #nonce = 0;
  readonly #pings = new Map<number, number>();
  #rttMs: number | null = null;
  #lastPongAt = 0;
  /** When the browser started saying it is offline, or null while it says online. */
  #offlineAt: number | null = null;

  /** Whether the agent answers pings (it listed the extension when it announced itself). */
  get supported(): boolean {
    return this.#supported;
  }

  /** A fresh nonce (pings, and the hello that asks agents to announce themselves). */
  nextNonce(): number {
    return ++this.#nonce;
  }

  /** The agent announced its session; it answers pings when it lists the extension. */
  announced(supported: boolean, now: number): void {
    this.#supported = supported;
    this.#lastPongAt = now;
  }

  /**
   * Something came from the agent: the link carries its events again, so it is not down (a heartbeat's
   * answer may still be on its way behind them).
   */
  heard(now: number): void {
    if (this.#supported) this.#lastPongAt = Math.max(this.#lastPongAt, now);
  }

  /** The agent or the link went away: no heartbeat until an agent announces itself again. */
  stop(): void {
    this.#supported = false;
    this.#pings.clear();
  }

  /** The nonce of the ping to send now, or null (not supported, or one went out less than a second ago). */
  due(now: number): number | null {
    if (!this.#supported) return null;
    const last = this.#pings.size > 0 ? Math.max(...this.#pings.values()) : 0;
    if (now - last < HEARTBEAT_MS) return null;
    for (const [n, t] of this.#pings) if (now - t > PING_TTL_MS) this.#pings.delete(n);
    const nonce = this.nextNonce();
    this.#pings.set(nonce, now);
    return nonce;
  }

  /** The ping could not be sent. */
  failed(nonce: number): void {
    this.#pings.delete(nonce);
  }

  /** A pong arrived; false when it answers no ping of ours. */
  pong(nonce: number, now: number): boolean {
    const sent = this.#pings.get(nonce);
    if (sent === undefined) return false;
    this.#pings.delete(nonce);
    this.#rttMs = smoothRtt(this.#rttMs, now - sent);
    this.#lastPongAt = now;
    return true;
  }

  /**
   * The link's health now. `navigator.onLine` false is a fast hint that the network went away, but
   * browsers also say offline when no interface but loopback is up (a page talking to a server on the same
   * host): a pong that arrived after the browser said so proves the link works.
   */
  assess(
    connection: HealthInputs['connection'],
    browserOnline: boolean,
    connectedAt: number,
    now: number,
    thresholds?: HealthThresholds,
  ): HealthSnapshot {
    if (browserOnline) this.#offlineAt = null;
    else this.#offlineAt ??= now;
    const online = browserOnline || (this.#offlineAt !== null && this.#lastPongAt > this.#offlineAt);
    return assessHealth(
      {
        connection,
        online,
        rttMs: this.#rttMs,
        lastPongAt: Math.max(this.#lastPongAt, connectedAt),
        heartbeatSupported: this.#supported,
        now,
      },
      thresholds,
    );
  }
}
