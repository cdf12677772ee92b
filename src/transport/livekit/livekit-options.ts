import type { BackoffOptions } from '../backoff.ts';
import type { HealthThresholds } from '../health.ts';
import type { AgentProtocolOptions } from './lk-agents-link.ts';

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
  /**
   * Connection attempts `connect()` makes when one times out (a lossy link can lose the first ICE or DTLS
   * exchange for good; a fresh join gets new candidates). Other failures are not retried. Default 2.
   */
  connectAttempts?: number;
  /**
   * Full-rejoin backoff after LiveKit's own resume failed. By default the transport keeps trying (every
   * 1.5-3 s once the backoff is at its cap) until the app closes it; only a rejected token is fatal.
   */
  backoff?: BackoffOptions;
  /**
   * Delays (ms) of LiveKit's own resume attempts (ICE restart / signal resume, same session) before the
   * transport gives up on resuming and rejoins with a fresh token. Default [0, 300, 1000, 2000]: about
   * 3.3 s of resuming, long enough for a Wi-Fi hand-over, short enough that a dead server is noticed.
   */
  resumeDelaysMs?: readonly number[];
  /** When the link counts as degraded or down. */
  health?: HealthThresholds;
  /**
   * Which agents it speaks to: Sotto's Realtime protocol, or a stock LiveKit Agents agent (found out by
   * default: see {@link AgentProtocolOptions}).
   */
  agent?: AgentProtocolOptions;
}
