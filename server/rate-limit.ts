/**
 * A token bucket that bounds how many events one sender may have handled: `capacity` events at once,
 * refilled at `ratePerSecond`. Pure: the clock (ms) is passed in.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly ratePerSecond: number;
  #tokens: number;
  #last: number;

  constructor(capacity: number, ratePerSecond: number, nowMs: number) {
    this.capacity = capacity;
    this.ratePerSecond = ratePerSecond;
    this.#tokens = capacity;
    this.#last = nowMs;
  }

  /** Takes one token if there is one. */
  take(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.#last);
    this.#last = Math.max(this.#last, nowMs);
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed * this.ratePerSecond) / 1000);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** What the limiter decided for one incoming event. */
export type FloodVerdict =
  /** Handle it. */
  | 'accept'
  /** Drop it and tell the sender once (the first drop of a flood). */
  | 'reject_and_report'
  /** Drop it silently (the sender was already told; replying to every event would amplify the flood). */
  | 'drop';

/**
 * Per-sender flood control: a {@link TokenBucket} per sender plus "report once per flood", so a
 * flooding client gets one `rate_limited` error (then one more per `reportEveryMs` while it keeps
 * flooding), not one reply per dropped event.
 */
export class FloodGuard {
  readonly #buckets = new Map<string, { bucket: TokenBucket; reportedAt: number; dropped: number }>();
  readonly #capacity: number;
  readonly #rate: number;
  readonly #reportEveryMs: number;
  readonly #maxSenders: number;

  constructor(opts: { capacity?: number; ratePerSecond?: number; reportEveryMs?: number; maxSenders?: number } = {}) {
    this.#capacity = opts.capacity ?? 100;
    this.#rate = opts.ratePerSecond ?? 50;
    this.#reportEveryMs = opts.reportEveryMs ?? 1_000;
    this.#maxSenders = opts.maxSenders ?? 64;
  }

  check(sender: string, nowMs: number): FloodVerdict {
    let s = this.#buckets.get(sender);
    if (!s) {
      if (this.#buckets.size >= this.#maxSenders) this.#buckets.clear();
      s = { bucket: new TokenBucket(this.#capacity, this.#rate, nowMs), reportedAt: -Infinity, dropped: 0 };
      this.#buckets.set(sender, s);
    }
    if (s.bucket.take(nowMs)) return 'accept';
    s.dropped++;
    if (nowMs - s.reportedAt >= this.#reportEveryMs) {
      s.reportedAt = nowMs;
      return 'reject_and_report';
    }
    return 'drop';
  }

  /** Events dropped from `sender` so far. */
  dropped(sender: string): number {
    return this.#buckets.get(sender)?.dropped ?? 0;
  }
}
