/**
 * Reconnection timing: how long to wait before each full rejoin. Exponential with full jitter
 * ("Exponential Backoff And Jitter", AWS architecture blog), capped, and a bounded number of tries.
 * Pure: the random source is passed in.
 */
export interface BackoffOptions {
  /** First delay, ms. Default 300. */
  initialMs?: number;
  /** Largest delay, ms. Default 8000. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Give up after this many rejoin attempts. Default 8 (about 30 s in all). */
  maxAttempts?: number;
}

export const BACKOFF_DEFAULTS: Required<BackoffOptions> = { initialMs: 300, maxMs: 8000, factor: 2, maxAttempts: 8 };

/**
 * Delay before rejoin attempt `attempt` (1-based), or null when the attempts are used up. `random`
 * returns [0, 1); delays fall in [cap/2, cap] so they never collapse to zero.
 */
export function backoffDelay(attempt: number, random: () => number, o: BackoffOptions = {}): number | null {
  const b = { ...BACKOFF_DEFAULTS, ...o };
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > b.maxAttempts) return null;
  const cap = Math.min(b.maxMs, b.initialMs * b.factor ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
