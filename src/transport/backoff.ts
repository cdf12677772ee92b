/**
 * Reconnection timing: how long to wait before each full rejoin. Exponential with full jitter
 * ("Exponential Backoff And Jitter", AWS architecture blog), capped, and a bounded number of tries.
 * Pure: the random source is passed in.
 */
export interface BackoffOptions {
  /** First delay, ms. Default 300. */
  initialMs?: number;
  /**
   * Largest delay, ms. Default 3000: a rejoin against a server that is down fails in milliseconds, so
   * trying every 1.5-3 s costs little and finds the server within ~3 s of its return.
   */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /**
   * Give up after this many rejoin attempts. Default `Infinity`: the transport keeps trying until the app
   * closes it (or the server rejects the token, which no retry fixes).
   */
  maxAttempts?: number;
}

export const BACKOFF_DEFAULTS: Required<BackoffOptions> = {
  initialMs: 300,
  maxMs: 3000,
  factor: 2,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * Delay before rejoin attempt `attempt` (1-based), or null when the attempts are used up. `random`
 * returns [0, 1); delays fall in [cap/2, cap] so they never collapse to zero.
 */
export function backoffDelay(attempt: number, random: () => number, o: BackoffOptions = {}): number | null {
  const b = { ...BACKOFF_DEFAULTS, ...o };
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > b.maxAttempts) return null;
  // (Capped before the power so a long outage's attempt count never overflows to Infinity/NaN.)
  const cap = Math.min(b.maxMs, b.initialMs * b.factor ** Math.min(attempt - 1, 64));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
