/**
 * Pure scoring of one chaos run from the page's event timeline (times in seconds on the session's audio
 * clock): which turns were spoken after recovery, which were answered, how long from recovery to the
 * first answered turn, and how many turns from the fault on were never answered.
 *
 * A turn is a `turn_end` (the client's endpointer ended it). It is answered when a reply (from the remote
 * agent or the on-device engine) becomes audible after it and before the next `turn_end` (or before the
 * end of the window for the last one), and is not cut before {@link MIN_HEARD_S} of it was heard: a
 * reply cut a moment after its first sample (its agent died) answered nothing. Turns that ended in the last `graceS`
 * of the window are not scored (their reply may still be on its way).
 */

/** A reply cut (interrupted) before this much of it was heard (s) does not answer its turn. */
export const MIN_HEARD_S = 1;

export interface TimedEvent {
  type: string;
  time: number;
  /** `agent_audio_end` only: the reply was cut (barge-in, its agent died, the session switched). */
  interrupted?: boolean;
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
   * Recovery -> the next answer the user heard: the first reply that became audible after it, to any turn
   * (also one spoken during the fault and held until the link was back, or whose reply its dying agent
   * cut); 0 when an answer was playing at the moment of recovery (the on-device engine answering through
   * the fault: the user was not waiting). Null when none came.
   */
  recoverToFirstReplyMs: number | null;
  /** Turns from the fault on (before the grace period) with no audible reply. */
  turnsLost: number;
}

export function scoreRun(events: readonly TimedEvent[], m: RunMarks): RunScore {
  const ends = events.filter((e) => e.type === 'turn_end').map((e) => e.time);
  const replyEnds = events.filter((e) => e.type === 'agent_audio_end');
  const heardEnough = (start: number): boolean => {
    const end = replyEnds.find((e) => e.time >= start);
    return end?.interrupted !== true || end.time - start >= MIN_HEARD_S;
  };
  const starts = events.filter((e) => e.type === 'agent_audio_start' && heardEnough(e.time)).map((e) => e.time);
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
      // Playing: began before recovery, its end event (before any later reply began) after it.
      const playing = starts.some((s) => {
        const end = replyEnds.find((e) => e.time >= s)?.time;
        const next = starts.find((t) => t > s) ?? Number.POSITIVE_INFINITY;
        return s <= m.recovered && end !== undefined && end > m.recovered && end <= next;
      });
      if (playing) return 0;
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
