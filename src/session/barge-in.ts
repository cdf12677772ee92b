/**
 * Barge-in decisions (pure): duck the agent at the user's onset, confirm or restore on the following
 * frames. The I/O (element volume, cancel + truncate) is done by the caller through {@link BargeInActions}.
 *
 * Times are AudioContext seconds. Frames are the VAD's 32 ms frames, in order.
 */

/** Barge-in settings. */
export interface BargeInOptions {
  /** Let the user interrupt the agent by speaking. Default `true` (forced off for push-to-talk). */
  enabled?: boolean;
  /**
   * Speech the user must keep up after the onset before the reply is cancelled, in ms. Shorter sounds
   * (a cough, "mhm") only duck the agent for that long. Default `200`.
   */
  interruptConfirmMs?: number;
  /**
   * After `interruptConfirmMs`, how long to wait for a clearly voiced or clearly silent frame before
   * giving up and restoring, in ms. Default `200`.
   */
  decideWithinMs?: number;
  /** Gain of the agent's audio while ducked (0 = silent). Default `0`. */
  duckGain?: number;
}

export const BARGE_IN_DEFAULTS: Required<BargeInOptions> = {
  enabled: true,
  interruptConfirmMs: 200,
  decideWithinMs: 200,
  duckGain: 0,
};

/** What the controller asks the session to do. */
export interface BargeInActions {
  /** Lower the agent's audio to `gain` now. */
  duck(gain: number): void;
  /** Bring the agent's audio back (not an interruption). */
  restore(): void;
  /** The user really interrupts: cancel the reply and truncate it at what was played. */
  confirm(onsetTime: number): void;
}

/** Probability thresholds of the endpointer (a frame is voiced at >= positive, silent below negative). */
export interface FrameThresholds {
  positive: number;
  negative: number;
}

type Phase = { kind: 'idle' } | { kind: 'pending'; onset: number } | { kind: 'confirmed' };

/**
 * Frames looked at together when deciding: a plosive or a comma can dip one frame below the threshold
 * while the user is plainly still talking (3 VAD hops = 48 ms).
 */
const RECENT = 3;

/**
 * One barge-in at a time:
 * `speech_start` while the agent is audible -> duck at once (`pending`);
 * the first frame at or after onset + `interruptConfirmMs`: one of the last 3 frames voiced -> `confirm`;
 * all silent -> `restore`; otherwise look at the next ones, up to `decideWithinMs` more, then `restore`;
 * the endpointer's pause (`turn_ending`), a `misfire` or the end of the turn while pending -> `restore`.
 */
export class BargeIn {
  readonly #o: Required<BargeInOptions>;
  readonly #t: FrameThresholds;
  readonly #act: BargeInActions;
  #phase: Phase = { kind: 'idle' };
  /** The last {@link RECENT} frame probabilities (a ring; no allocation per frame). */
  readonly #recent = new Float64Array(RECENT);
  #next = 0;

  constructor(options: BargeInOptions, thresholds: FrameThresholds, actions: BargeInActions) {
    this.#o = { ...BARGE_IN_DEFAULTS, ...options };
    this.#t = thresholds;
    this.#act = actions;
  }

  get enabled(): boolean {
    return this.#o.enabled;
  }

  set enabled(on: boolean) {
    this.#o.enabled = on;
    if (!on) this.#settle();
  }

  /** `pending` while ducked and deciding, `confirmed` after an interruption until the next reply. */
  get phase(): Phase['kind'] {
    return this.#phase.kind;
  }

  /**
   * The endpointer confirmed an onset; `agentAudible`: the agent is audible, or a reply is on its way (it
   * is ducked before it starts). Returns true when the agent was ducked.
   */
  speechStart(onsetTime: number, agentAudible: boolean): boolean {
    if (!this.#o.enabled || !agentAudible || this.#phase.kind === 'pending') return false;
    this.#phase = { kind: 'pending', onset: onsetTime };
    this.#act.duck(this.#o.duckGain);
    return true;
  }

  /**
   * One VAD frame: `time` is its start, `probability` its speech probability. At `interruptConfirmMs`
   * after the onset: any voiced frame among the last {@link RECENT} confirms; all of them silent restores;
   * otherwise the next frames decide (up to `decideWithinMs`).
   */
  frame(time: number, probability: number, frameSeconds = 0.032): void {
    this.#recent[this.#next] = probability;
    this.#next = (this.#next + 1) % RECENT;
    const p = this.#phase;
    if (p.kind !== 'pending') return;
    const end = time + frameSeconds;
    const due = p.onset + this.#o.interruptConfirmMs / 1000;
    if (end < due) return;
    let max = 0;
    for (const x of this.#recent) max = Math.max(max, x);
    if (max >= this.#t.positive) {
      this.#phase = { kind: 'confirmed' };
      this.#act.confirm(p.onset);
    } else if (max < this.#t.negative || end >= due + this.#o.decideWithinMs / 1000) {
      this.#settle();
    }
  }

  /** A pause began, the turn was discarded or ended: a pending duck is restored. */
  speechStopped(): void {
    if (this.#phase.kind === 'pending') this.#settle();
  }

  /** The reply ended by itself (or a new one starts): forget the last decision. */
  agentStopped(): void {
    if (this.#phase.kind === 'pending') this.#settle();
    this.#phase = { kind: 'idle' };
  }

  #settle(): void {
    if (this.#phase.kind === 'pending') this.#act.restore();
    this.#phase = { kind: 'idle' };
  }
}
