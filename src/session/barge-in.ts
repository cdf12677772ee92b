/**
 * Barge-in decisions (pure): duck the agent at the user's onset, confirm or restore on the following
 * frames. The I/O (element volume, cancel + truncate) is done by the caller through {@link BargeInActions}.
 *
 * Times are AudioContext seconds. Frames are the VAD's frames (32 ms long, one every 16 ms), in order.
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
  /**
   * When the decision goes against an interruption (silence, a pause, a misfire), the agent stays ducked
   * this much longer, in ms, in case the user goes on ("Stop, … that is enough"): speech within it
   * confirms the interruption at once. A cough costs the agent about `interruptConfirmMs` + this much of
   * silence. Default `300`.
   */
  holdAfterMs?: number;
  /**
   * Speech probability of a single frame that ducks the agent before the endpointer has confirmed an onset,
   * while the agent is audible (0–1). A soft onset ("n", "m", "h") takes Silero a few frames to cross the
   * speech threshold; ducking on the first hint keeps the agent from talking over it. Without a confirmed
   * onset by `interruptConfirmMs` the agent comes straight back. Default `0.35`; `1` turns it off.
   */
  duckThreshold?: number;
  /**
   * Rise of the mic's level over its noise floor, in dB, that ducks the agent like a `duckThreshold` hint
   * while the agent is audible, once two hops in a row (each loud for 8 ms of its 16) reach it. A fricative
   * or breathy onset ("Stop", "Hold on") is loud well before Silero calls it speech (up to ~120 ms later);
   * a click or a key press is too short to count.
   * Without a confirmed onset by `interruptConfirmMs` the agent comes straight back, so a noise costs at
   * most that much of the agent. Assumes the browser's echo cancellation keeps the agent's own voice out
   * of the mic (the default capture constraints); when 3 level hints within 30 s are followed by no
   * speech (echo leaking through, a noisy room) level hints stay off for the session
   * (`levelHintsOff`). Default `18`; `Infinity` turns it off.
   */
  duckRiseDb?: number;
}

export const BARGE_IN_DEFAULTS: Required<BargeInOptions> = {
  enabled: true,
  interruptConfirmMs: 200,
  decideWithinMs: 200,
  duckGain: 0,
  holdAfterMs: 300,
  duckThreshold: 0.35,
  duckRiseDb: 18,
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

type Phase =
  | { kind: 'idle' }
  | { kind: 'pending'; onset: number; heard: boolean; byLevel: boolean }
  | { kind: 'releasing'; onset: number; until: number }
  | { kind: 'confirmed' };

/**
 * Frames looked at together when deciding: a plosive or a comma can dip one frame below the threshold
 * while the user is plainly still talking (3 VAD hops = 48 ms).
 */
const RECENT = 3;

/** Level hints followed by no speech within {@link LEVEL_HINTS_WINDOW_S} that turn level hints off. */
export const LEVEL_HINTS_UNBACKED = 3;
/** Seconds over which unbacked level hints are counted (from the first of them). */
export const LEVEL_HINTS_WINDOW_S = 30;

/**
 * One barge-in at a time:
 * `speech_start` while the agent is audible (or a reply is on its way) -> duck at once (`pending`); a frame
 * at `duckThreshold`, or two in a row `duckRiseDb` louder than the noise floor, while the agent is audible
 * ducks even earlier (and, if no `speech_start` follows by the decision, restores at once);
 * the first frame at or after onset + `interruptConfirmMs`: one of the last 3 frames voiced -> `confirm`;
 * all silent -> `releasing`; otherwise look at the next ones, up to `decideWithinMs` more, then `releasing`;
 * a pause (`turn_ending`), a `misfire` or the end of the turn while pending -> `releasing`;
 * `releasing`: still ducked for `holdAfterMs`; a voiced frame or a new onset -> `confirm` (the user goes
 * on); otherwise -> `restore`.
 */
export class BargeIn {
  readonly #o: Required<BargeInOptions>;
  readonly #t: FrameThresholds;
  readonly #act: BargeInActions;
  #phase: Phase = { kind: 'idle' };
  /** The last {@link RECENT} frame probabilities (a ring; no allocation per frame). */
  readonly #recent = new Float64Array(RECENT);
  #next = 0;
  /** `riseDb` of the frame before. */
  #lastRise = Number.NEGATIVE_INFINITY;
  /** Level hints that no speech followed, counted since `#unbackedSince`; too many turn them off. */
  #unbacked = 0;
  #unbackedSince = Number.NEGATIVE_INFINITY;
  #levelOff = false;

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

  /**
   * Whether level hints were turned off for this session: {@link LEVEL_HINTS_UNBACKED} of them within
   * {@link LEVEL_HINTS_WINDOW_S} were followed by no speech (the agent's own voice leaking past echo
   * cancellation, a noisy room). Silero hints go on.
   */
  get levelHintsOff(): boolean {
    return this.#levelOff;
  }

  /** `pending`/`releasing` while ducked and deciding, `confirmed` after an interruption until the next reply. */
  get phase(): Phase['kind'] {
    return this.#phase.kind;
  }

  /**
   * The endpointer confirmed an onset; `agentAudible`: the agent is audible, or a reply is on its way (it
   * is ducked before it starts). Returns true when the agent is (still) ducked for this onset.
   */
  speechStart(onsetTime: number, agentAudible: boolean): boolean {
    const p = this.#phase;
    if (p.kind === 'releasing') {
      // The user went on after a short pause: a real interruption, from the first onset.
      this.#confirm(p.onset);
      return true;
    }
    if (p.kind === 'pending') {
      // Already ducked on the first hint of this onset: now it is speech.
      p.heard = true;
      return true;
    }
    if (!this.#o.enabled || !agentAudible) return false;
    this.#phase = { kind: 'pending', onset: onsetTime, heard: true, byLevel: false };
    this.#act.duck(this.#o.duckGain);
    return true;
  }

  /**
   * One VAD frame: `time` is its start, `probability` its speech probability, `riseDb` the level of its
   * newest hop over the noise floor. At `interruptConfirmMs` after the onset: any voiced frame among the
   * last {@link RECENT} confirms; all of them silent starts releasing; otherwise the next frames decide
   * (up to `decideWithinMs`).
   */
  frame(time: number, probability: number, frameSeconds = 0.032, agentAudible = false, riseDb = -Infinity): void {
    this.#recent[this.#next] = probability;
    this.#next = (this.#next + 1) % RECENT;
    const p = this.#phase;
    const end = time + frameSeconds;
    const loud = !this.#levelOff && riseDb >= this.#o.duckRiseDb && this.#lastRise >= this.#o.duckRiseDb;
    this.#lastRise = riseDb;
    const voiced = probability >= this.#o.duckThreshold;
    if (p.kind === 'idle' && agentAudible && this.#o.enabled && (voiced || loud)) {
      // The first hint of speech over the agent: duck now, decide later.
      this.#phase = { kind: 'pending', onset: time, heard: false, byLevel: !voiced };
      this.#act.duck(this.#o.duckGain);
      return;
    }
    if (p.kind === 'releasing') {
      if (probability >= this.#t.positive) this.#confirm(p.onset);
      else if (end >= p.until) this.#settle();
      return;
    }
    if (p.kind !== 'pending') return;
    const due = p.onset + this.#o.interruptConfirmMs / 1000;
    if (end < due) return;
    let max = 0;
    for (const x of this.#recent) max = Math.max(max, x);
    if (max >= this.#t.positive && p.heard) this.#confirm(p.onset);
    else if (!p.heard) {
      // A hint the endpointer never called speech: straight back.
      if (p.byLevel) this.#unbackedLevelHint(end);
      this.#settle();
    } else if (max < this.#t.negative || end >= due + this.#o.decideWithinMs / 1000) this.#release(end);
  }

  /**
   * A pause began, the turn was discarded or ended, at `time` (AudioContext s): a pending duck starts
   * releasing. Without a time (mute, stop) it is restored at once.
   */
  speechStopped(time?: number): void {
    if (this.#phase.kind !== 'pending') return;
    if (time === undefined) this.#settle();
    else this.#release(time);
  }

  /** The reply ended by itself (or a new one starts): forget the last decision. */
  agentStopped(): void {
    this.#settle();
    this.#phase = { kind: 'idle' };
  }

  #unbackedLevelHint(time: number): void {
    if (time - this.#unbackedSince > LEVEL_HINTS_WINDOW_S) {
      this.#unbacked = 0;
      this.#unbackedSince = time;
    }
    if (++this.#unbacked >= LEVEL_HINTS_UNBACKED) this.#levelOff = true;
  }

  #confirm(onset: number): void {
    this.#phase = { kind: 'confirmed' };
    this.#act.confirm(onset);
  }

  #release(from: number): void {
    const p = this.#phase;
    if (p.kind !== 'pending') return;
    if (this.#o.holdAfterMs <= 0) this.#settle();
    else this.#phase = { kind: 'releasing', onset: p.onset, until: from + this.#o.holdAfterMs / 1000 };
  }

  #settle(): void {
    const k = this.#phase.kind;
    if (k === 'pending' || k === 'releasing') this.#act.restore();
    this.#phase = { kind: 'idle' };
  }
}
