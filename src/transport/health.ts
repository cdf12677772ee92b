/**
 * Link health, a pure function of what the transport observes: the connection state, the browser's
 * `navigator.onLine`, and the heartbeat (RTT of the last pongs, time since the last one). No timers
 * inside: the caller passes `now` (ms, any monotonic clock).
 */

/** `healthy`: use it. `degraded`: usable but slow or lossy. `down`: do not expect anything through it. */
export type HealthLevel = 'healthy' | 'degraded' | 'down';

export interface HealthSnapshot {
  level: HealthLevel;
  /** Why, in a few words (for logs and the `mode` event's reason). */
  reason: string;
  /** Smoothed heartbeat round-trip time in ms, or null before the first pong. */
  rttMs: number | null;
  /** Milliseconds since the last pong (or since the link came up, before the first pong). */
  sinceLastPongMs: number;
}

/** Health thresholds. Every field is optional; defaults in {@link HEALTH_DEFAULTS}. */
export interface HealthThresholds {
  /** RTT above which the link is `degraded`, ms. Default 400. */
  degradedRttMs?: number;
  /** No pong for this long: `degraded`, ms. Default 2500 (more than two missed 1 s heartbeats). */
  degradedSilenceMs?: number;
  /** No pong for this long: `down`, ms. Default 5000. */
  downSilenceMs?: number;
}

export const HEALTH_DEFAULTS: Required<HealthThresholds> = {
  degradedRttMs: 400,
  degradedSilenceMs: 2500,
  downSilenceMs: 5000,
};

/** What the transport knows at one moment. */
export interface HealthInputs {
  /** LiveKit connection state (or the local engine's). */
  connection: 'connected' | 'reconnecting' | 'disconnected' | 'connecting';
  /** `navigator.onLine`; `false` is a strong hint, `true` proves nothing. */
  online: boolean;
  /** Smoothed RTT in ms, null before the first pong. */
  rttMs: number | null;
  /** When the last pong arrived (or when the link came up). */
  lastPongAt: number;
  /** Whether the peer answers heartbeats at all (a plain Realtime server does not). */
  heartbeatSupported: boolean;
  now: number;
}

export function assessHealth(i: HealthInputs, t: HealthThresholds = {}): HealthSnapshot {
  const th = { ...HEALTH_DEFAULTS, ...t };
  const since = Math.max(0, i.now - i.lastPongAt);
  const snap = (level: HealthLevel, reason: string): HealthSnapshot => ({
    level,
    reason,
    rttMs: i.rttMs,
    sinceLastPongMs: since,
  });
  if (i.connection === 'disconnected') return snap('down', 'disconnected');
  if (!i.online) return snap('down', 'browser offline');
  if (i.connection === 'reconnecting') return snap('down', 'reconnecting');
  if (i.connection === 'connecting') return snap('degraded', 'connecting');
  if (i.heartbeatSupported) {
    if (since >= th.downSilenceMs) return snap('down', `no heartbeat for ${Math.round(since)} ms`);
    if (since >= th.degradedSilenceMs) return snap('degraded', `heartbeat late by ${Math.round(since)} ms`);
  }
  if (i.rttMs !== null && i.rttMs > th.degradedRttMs) return snap('degraded', `rtt ${Math.round(i.rttMs)} ms`);
  return snap('healthy', 'ok');
}

/** Exponentially smoothed RTT (RFC 6298 style, alpha 1/8); the first sample is taken as is. */
export function smoothRtt(previous: number | null, sample: number): number {
  return previous === null ? sample : previous + (sample - previous) / 8;
}
