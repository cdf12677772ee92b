/**
 * When the session answers with the on-device engine instead of the remote agent, and when it goes back
 * (pure: the clock and every observation are passed in).
 *
 * `auto` goes local when the remote link is unusable:
 * - the browser says it is offline (`navigator.onLine === false`): at once;
 * - the link is closed (the transport gave up, or never connected): at once;
 * - the link's health is `down` (no heartbeat answer for `HealthThresholds.downAfterMs`, 5 s by default):
 *   at once;
 * - the link is reconnecting (or still connecting) for `failoverMs` in a row (a connected link whose agent
 *   has not joined yet does not count: the agent may take seconds to start; its heartbeat covers a dead one);
 * - a user turn ends while the link is not connected and ready: at once (the user waits for an answer;
 *   the turn's audio is read back from the capture ring).
 *
 * It goes back to remote when the link has been connected, ready (the agent said `session.created`) and
 * `healthy` for `recoverMs` in a row, the browser is online, and nothing is in progress locally (no user
 * turn open, no local reply being generated or played), so an exchange is never split between agents.
 */
import type { HealthLevel } from '../transport/health.ts';
import type { TransportStatus } from '../transport/types.ts';

/** `auto`: switch by link health; `off`: remote only; `force`: on-device only (never connects remotely). */
export type FallbackMode = 'auto' | 'off' | 'force';

/** Switching thresholds (see the module comment for the rules). */
export interface FallbackThresholds {
  /** How long the link may be reconnecting before the session goes local, in ms. Default `1500`. */
  failoverMs?: number;
  /** How long the link must be connected, ready and healthy before the session goes back, in ms. Default `3000`. */
  recoverMs?: number;
}

export const FALLBACK_DEFAULTS: Required<FallbackThresholds> = Object.freeze({ failoverMs: 1500, recoverMs: 3000 });

/** What the policy looks at, sampled whenever something changes (and on a timer). */
export interface LinkObservation {
  /** Milliseconds on a monotonic clock. */
  now: number;
  /** The remote transport's status (`closed` when there is none). */
  status: TransportStatus;
  /** The remote link's health level. */
  health: HealthLevel;
  /** `navigator.onLine`. */
  online: boolean;
  /** The remote agent said `session.created` on the current connection. */
  agentReady: boolean;
  /** A user turn is open or a local reply is being generated or played. */
  busy: boolean;
}

export type AnswerMode = 'remote' | 'local';

/** A decision to switch. */
export interface ModeDecision {
  mode: AnswerMode;
  /** Human-readable cause, e.g. `link reconnecting for 1500 ms`. */
  reason: string;
}

export class FallbackPolicy {
  readonly #policy: FallbackMode;
  readonly #t: Required<FallbackThresholds>;
  #mode: AnswerMode;
  /** Since when the link has been unusable (reconnecting/connecting), or null. */
  #downSince: number | null = null;
  /** Since when the link has been good enough to go back to, or null. */
  #goodSince: number | null = null;
  /** The app (or `force`) holds the session on the device. */
  #forced: boolean;

  constructor(policy: FallbackMode, thresholds: FallbackThresholds = {}) {
    this.#policy = policy;
    this.#t = {
      failoverMs: thresholds.failoverMs ?? FALLBACK_DEFAULTS.failoverMs,
      recoverMs: thresholds.recoverMs ?? FALLBACK_DEFAULTS.recoverMs,
    };
    for (const [k, v] of Object.entries(this.#t)) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`fallback ${k} must be a number >= 0, got ${String(v)}`);
    }
    this.#forced = policy === 'force';
    this.#mode = this.#forced ? 'local' : 'remote';
  }

  get policy(): FallbackMode {
    return this.#policy;
  }

  /** Whether the session is held on the device (`force`, or {@link setForced}). */
  get forced(): boolean {
    return this.#forced;
  }

  /**
   * Holds the session on the device (`true`: goes local now), or lets the link decide again (`false`: goes
   * back to remote by the `auto` rules). No-op with `off`.
   */
  setForced(on: boolean): ModeDecision | null {
    if (this.#policy === 'off') return null;
    this.#forced = on;
    this.#goodSince = null;
    if (on && this.#mode === 'remote') return this.#switch('local', 'forced by the app');
    return null;
  }

  /** Who answers now. */
  get mode(): AnswerMode {
    return this.#mode;
  }

  /** Takes one observation; returns a decision when the mode changes. */
  observe(o: LinkObservation): ModeDecision | null {
    if (this.#policy === 'off' || this.#forced) return null;
    if (o.status === 'connected') this.#downSince = null;
    else this.#downSince ??= o.now;
    const good = o.online && o.status === 'connected' && o.agentReady && o.health === 'healthy';
    if (good) this.#goodSince ??= o.now;
    else this.#goodSince = null;
    if (this.#mode === 'remote') {
      const why = this.#whyLocal(o);
      return why === null ? null : this.#switch('local', why);
    }
    if (this.#goodSince !== null && o.now - this.#goodSince >= this.#t.recoverMs && !o.busy) {
      return this.#switch('remote', `link healthy for ${String(Math.round(o.now - this.#goodSince))} ms`);
    }
    return null;
  }

  /**
   * A user turn just ended. Returns a decision to go local now when the remote link cannot answer it
   * (not connected, or the agent not ready), so the user is answered without waiting out `failoverMs`.
   */
  turnEnded(o: LinkObservation): ModeDecision | null {
    // The turn is about to be committed: never the moment to go back to remote.
    const d = this.observe({ ...o, busy: true });
    if (d || this.#policy === 'off' || this.#forced || this.#mode === 'local') return d;
    if (o.status !== 'connected' || !o.agentReady) {
      return this.#switch(
        'local',
        `a turn ended while the link is ${o.status === 'connected' ? 'not ready' : o.status}`,
      );
    }
    return null;
  }

  #whyLocal(o: LinkObservation): string | null {
    if (!o.online) return 'the browser is offline';
    if (o.status === 'closed' || o.status === 'idle') return 'no link to the agent';
    if (o.health === 'down') return 'the link is down (no heartbeat)';
    if (this.#downSince !== null && o.now - this.#downSince >= this.#t.failoverMs) {
      return `the link is ${o.status} for ${String(Math.round(o.now - this.#downSince))} ms`;
    }
    return null;
  }

  #switch(mode: AnswerMode, reason: string): ModeDecision {
    this.#mode = mode;
    this.#downSince = null;
    this.#goodSince = null;
    return { mode, reason };
  }
}
