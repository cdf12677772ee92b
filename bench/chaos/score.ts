/**
 * Pure scoring of one chaos run from the page's event timeline (times in seconds on the session's audio
 * clock): which turns were spoken after recovery, which were answered, how long from recovery to the
 * first answered turn, and how many turns from the fault on were never answered.
 *
 * A turn is a `turn_end` (the client's endpointer ended it). It is answered when an `agent_audio_start`
 * (a reply became audible, from the remote agent or the on-device engine) comes after it and before the
 * next `turn_end` (or before the end of the window for the last one). Turns that ended in the last
 * `graceS` of the window are not scored (their reply may still be on its way).
 */

export interface TimedEvent {
  type: string;
  time: number;
}

export interface RunMarks {
  /** The fault began. */
  fault: number;
  /** The server (or link) was reachable again. */
  recovered: number;
  /** End of the observation window. */
  end: number;
  /** Turns that ended within this many seconds of `end` are not scored. */
  graceS: number;
}

export interface RunScore {
  /** Turns that ended after recovery (and before the grace period). */
  afterTurns: number;
  afterAnswered: number;
  /** Recovery -> first audible reply to a turn spoken after recovery, ms; null when none came. */
  recoverToAnswerMs: number | null;
  /**
   * How that figure splits: recovery -> the end of the turn it answers (the script's timing: when the user
   * happens to finish a sentence), and that turn's end -> its audible reply (the system's part). Null
   * when no turn after recovery was answered.
   */
  recoverToTurnEndMs: number | null;
  turnEndToAnswerMs: number | null;
  /**
   * Recovery -> the first reply that became audible after it, to any turn: also one spoken during the
   * fault and held until the link was back (remote only). Null when none came.
   */
  recoverToFirstReplyMs: number | null;
  /** Turns from the fault on (before the grace period) with no audible reply. */
  turnsLost: number;
}

export function scoreRun(events: readonly TimedEvent[], m: RunMarks): RunScore {
  const ends = events.filter((e) => e.type === 'turn_end').map((e) => e.time);
  const starts = events.filter((e) => e.type === 'agent_audio_start').map((e) => e.time);
  const scored = (t: number): boolean => t <= m.end - m.graceS;
  const answerOf = (i: number): number | null => {
    const at = ends[i] ?? 0;
    const until = ends[i + 1] ?? m.end;
    return starts.find((s) => s > at && s <= until) ?? null;
  };
  let afterTurns = 0;
  let afterAnswered = 0;
  let firstAnswer: number | null = null;
  let firstAnsweredEnd: number | null = null;
  let turnsLost = 0;
  for (let i = 0; i < ends.length; i++) {
    const t = ends[i] ?? 0;
    if (t < m.fault || !scored(t)) continue;
    const answer = answerOf(i);
    if (answer === null) turnsLost++;
    if (t >= m.recovered && answer !== null) {
      afterAnswered++;
      if (firstAnswer === null) {
        firstAnswer = answer;
        firstAnsweredEnd = t;
      }
    }
    if (t >= m.recovered) afterTurns++;
  }
  return {
    afterTurns,
    afterAnswered,
    recoverToAnswerMs: firstAnswer === null ? null : Math.round((firstAnswer - m.recovered) * 1000),
    recoverToTurnEndMs: firstAnsweredEnd === null ? null : Math.round((firstAnsweredEnd - m.recovered) * 1000),
    turnEndToAnswerMs:
      firstAnswer === null || firstAnsweredEnd === null ? null : Math.round((firstAnswer - firstAnsweredEnd) * 1000),
    turnsLost,
    recoverToFirstReplyMs: (() => {
      const first = starts.find((s) => s > m.recovered);
      return first === undefined ? null : Math.round((first - m.recovered) * 1000);
    })(),
  };
}

/** The p-th percentile (0..100, nearest rank) of `xs`; null for an empty list. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank] ?? null;
}
