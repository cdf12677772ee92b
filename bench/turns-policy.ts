/**
 * How a turn model becomes end-of-turn decisions (pure; bench/turns.ts is the shell).
 *
 * A turn model is `(audio16kUpToDecisionPoint) => Promise<probability that the turn is over>`. It is asked
 * at pause points: when the VAD's silence (Sotto's Silero + endpointer, the same as the silence detectors)
 * reaches each of `asksMs` after the speech end, with all the audio up to that instant; the first answer at
 * or above the threshold ends the turn there; if none does, silence alone ends it at `ceilingMs`. Sweeping
 * the threshold traces the model's curve (0 = end at the first question, above 1 = silence at the ceiling).
 *
 * Pause points come from replays of the endpointer at several silenceMs: a `turn_end` of the replay at S
 * says "the silence reached S here". Events of different replays belong to the same pause when they share
 * the speech end the endpointer estimated (within `tolerance` samples).
 */

/** A turn model: audio from the start of the stream (16 kHz mono) up to the decision point -> probability. */
export type TurnModel = (audio16kUpToDecisionPoint: Float32Array) => Promise<number>;

/** A `turn_end` of an endpointer replay with `silenceMs`. */
export interface SilenceEvent {
  silenceMs: number;
  /** The speech end the endpointer estimated (sample). */
  endSample: number;
  /** End of the deciding frame (sample). */
  decisionSample: number;
}

/** One VAD pause: where its silence reached each swept value. */
export interface Pause {
  speechEnd: number;
  /** Ascending silenceMs. */
  reached: { silenceMs: number; at: number }[];
}

export interface ModelPolicy {
  /** Silences at which the model is asked, ascending (ms). */
  asksMs: readonly number[];
  /** Silence that ends the turn when no answer reached the threshold (ms). */
  ceilingMs: number;
}

/** Groups replay events into pauses (by their speech end). */
export function clusterPauses(events: readonly SilenceEvent[], tolerance = 512): Pause[] {
  const sorted = [...events].sort((a, b) => a.endSample - b.endSample || a.silenceMs - b.silenceMs);
  const pauses: Pause[] = [];
  let cur: Pause | null = null;
  for (const e of sorted) {
    if (!cur || e.endSample - cur.speechEnd > tolerance) {
      cur = { speechEnd: e.endSample, reached: [] };
      pauses.push(cur);
    }
    if (!cur.reached.some((r) => r.silenceMs === e.silenceMs))
      cur.reached.push({ silenceMs: e.silenceMs, at: e.decisionSample });
  }
  for (const p of pauses) p.reached.sort((a, b) => a.silenceMs - b.silenceMs);
  return pauses;
}

const reachedAt = (p: Pause, ms: number): number | undefined => p.reached.find((r) => r.silenceMs === ms)?.at;

/** Every instant at which the policy may ask the model (deduplicated, ascending). */
export function askPoints(pauses: readonly Pause[], policy: ModelPolicy): number[] {
  const out = new Set<number>();
  for (const p of pauses) {
    for (const ms of policy.asksMs) {
      const at = reachedAt(p, ms);
      if (at !== undefined) out.add(at);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The decisions of a model under the policy at `threshold`, given its answers at the ask points. A
 * missing answer counts as "not over" (so a model that was not asked cannot look good).
 */
export function policyDecisions(
  pauses: readonly Pause[],
  answers: ReadonlyMap<number, number>,
  threshold: number,
  policy: ModelPolicy,
): number[] {
  const out: number[] = [];
  for (const p of pauses) {
    let decided: number | undefined;
    for (const ms of policy.asksMs) {
      const at = reachedAt(p, ms);
      // Missing when that replay's turn had ended earlier as a misfire: the next question still counts.
      if (at === undefined) continue;
      if ((answers.get(at) ?? -1) >= threshold) {
        decided = at;
        break;
      }
    }
    decided ??= reachedAt(p, policy.ceilingMs);
    if (decided !== undefined) out.push(decided);
  }
  return out;
}

/** Sotto's session policy (src/vad/turn/turn-policy.ts): first question, re-ask interval, ceiling. */
export interface SessionPolicy {
  firstAskMs: number;
  reaskMs: number;
  ceilingMs: number;
  /** The grid the answers exist on (ask points of the bench's MODEL_POLICY), ms. */
  gridMs: number;
}

/**
 * The session policy as a live session meets it, with the model's cost: one question at a time; the first
 * at `firstAskMs` of pause, each next one `reaskMs` after the previous (or when its answer came, if later),
 * on the answers' grid; a "complete" answer ends the turn when it ARRIVES, `costMs(at)` after its question;
 * an answer that arrives after the user resumed is dropped (as the worker drops it), counted as arriving
 * in the pause unless the pause is known to have ended before it (the sweep's 50 ms steps: counted against
 * us); silence alone ends the turn at `ceilingMs`.
 */
export function sessionPolicyDecisions(
  pauses: readonly Pause[],
  answers: ReadonlyMap<number, number>,
  costMs: (at: number) => number,
  threshold: number,
  policy: SessionPolicy,
  rate: number,
  sweepStepMs = 50,
): number[] {
  const out: number[] = [];
  const onGrid = (ms: number): number => Math.ceil(ms / policy.gridMs - 1e-9) * policy.gridMs;
  for (const p of pauses) {
    const longest = p.reached.at(-1)?.silenceMs ?? 0;
    let decided: number | undefined;
    let ms = policy.firstAskMs;
    while (ms < policy.ceilingMs) {
      const at = reachedAt(p, ms);
      if (at === undefined) {
        // Missing when that replay's turn had ended earlier as a misfire: a later question still counts.
        if (longest < ms) break;
        ms = onGrid(ms + policy.reaskMs);
        continue;
      }
      const cost = costMs(at);
      if (longest + sweepStepMs <= ms + cost) break; // the user resumed before the answer: dropped
      if ((answers.get(at) ?? -1) >= threshold) {
        decided = at + Math.round((cost * rate) / 1000);
        break;
      }
      ms = onGrid(Math.max(ms + policy.reaskMs, ms + cost));
    }
    decided ??= reachedAt(p, policy.ceilingMs);
    if (decided !== undefined) out.push(decided);
  }
  return out;
}

/**
 * LiveKit AgentSession's own rule with a turn detector (voice/audio_recognition in @livekit/agents 1.9):
 * the model is asked once at `askMs` (its MIN_SILENCE_DURATION_MS, 200) of silence; at or above the
 * threshold the turn ends `minDelayMs` after the speech end, below it `maxDelayMs` after.
 */
export function agentsSessionDecisions(
  pauses: readonly Pause[],
  answers: ReadonlyMap<number, number>,
  threshold: number,
  o: { askMs: number; minDelayMs: number; maxDelayMs: number },
): number[] {
  const out: number[] = [];
  for (const p of pauses) {
    const ask = reachedAt(p, o.askMs);
    if (ask === undefined) continue;
    const over = (answers.get(ask) ?? -1) >= threshold;
    const at = reachedAt(p, over ? o.minDelayMs : o.maxDelayMs);
    if (at !== undefined) out.push(at);
  }
  return out;
}
