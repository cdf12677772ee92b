/**
 * Which upstream a new connection tries first, and then next (pure; the clock is passed in). Upstreams
 * take turns; one that refused a connection is skipped for `downMs` (tried last, not never: when every
 * upstream looks down, all are still tried, oldest failure first). A successful connection clears it.
 */
export class RoundRobin<T> {
  readonly #items: readonly T[];
  readonly #downMs: number;
  readonly #downSince = new Map<number, number>();
  #next = 0;

  /**
   * @param items the upstreams, in their turn order
   * @param downMs how long an upstream that refused a connection is tried only after the others, ms
   */
  constructor(items: readonly T[], downMs = 2_000) {
    if (items.length === 0) throw new RangeError('RoundRobin needs at least one upstream');
    this.#items = items;
    this.#downMs = downMs;
  }

  /** The upstreams to try for one new connection, in order: every one exactly once. Advances the turn. */
  order(now: number): T[] {
    const n = this.#items.length;
    const start = this.#next;
    this.#next = (this.#next + 1) % n;
    const up: number[] = [];
    const down: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const since = this.#downSince.get(i);
      if (since !== undefined && now - since < this.#downMs) down.push(i);
      else up.push(i);
    }
    down.sort((a, b) => (this.#downSince.get(a) ?? 0) - (this.#downSince.get(b) ?? 0));
    return [...up, ...down].map((i) => this.#items[i] as T);
  }

  /** `item` refused a connection at `now`. */
  failed(item: T, now: number): void {
    const i = this.#items.indexOf(item);
    if (i >= 0) this.#downSince.set(i, now);
  }

  /** `item` accepted a connection. */
  succeeded(item: T): void {
    const i = this.#items.indexOf(item);
    if (i >= 0) this.#downSince.delete(i);
  }

  /** True when `item` refused its last connection less than `downMs` ago. */
  isDown(item: T, now: number): boolean {
    const since = this.#downSince.get(this.#items.indexOf(item));
    return since !== undefined && now - since < this.#downMs;
  }
}
