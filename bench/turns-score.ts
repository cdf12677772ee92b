/**
 * Scoring of end-of-turn decisions against labelled turns (pure; bench/turns.ts is the shell).
 *
 * A detector is a list of decision instants ("the turn is over", stream samples). Against the truth:
 * - hold k of a turn spans from the start of its pause to the start of the next pause of the turn (or the
 *   turn's end): a decision in it is a false cut-off of that hold (the user had not finished; the words
 *   after the pause are cut off). `false_cutoff_pct` = holds with at least one decision / holds.
 * - decisions inside the speech before a turn's first pause are `cutoffs_in_speech` (a VAD error); they
 *   and the hold cut-offs make `turns_cut_pct` (turns with any decision before their end).
 * - the shift of a turn is its end: dead air = first decision at or after the end - the end. A turn with
 *   no decision before `windowEnd` counts the whole window as its dead air (and is counted as missed).
 */

/** One labelled intended turn, in stream samples. */
export interface TruthTurn {
  readonly fixture: string;
  readonly set: string;
  readonly start: number;
  readonly end: number;
  readonly holds: readonly { readonly start: number; readonly end: number }[];
  /** Decisions from `end` to here answer this turn (the next fixture starts after it). */
  readonly windowEnd: number;
}

export interface Score {
  holds: number;
  holds_cut: number;
  false_cutoff_pct: number | null;
  turns: number;
  turns_cut: number;
  turns_cut_pct: number | null;
  cutoffs_in_speech: number;
  dead_air_ms_p50: number | null;
  dead_air_ms_p90: number | null;
  shifts_missed: number;
}

/** Nearest-rank percentile (q in 0..1), null for no values. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i] ?? null;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** First index in sorted `xs` with xs[i] >= v. */
function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? Infinity) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const anyIn = (xs: readonly number[], from: number, to: number): number => lowerBound(xs, to) - lowerBound(xs, from);

/** Scores decision instants (samples; any order) against the turns. */
export function scoreDecisions(turns: readonly TruthTurn[], decisions: readonly number[], rate: number): Score {
  const d = [...decisions].sort((a, b) => a - b);
  let holds = 0;
  let holdsCut = 0;
  let turnsCut = 0;
  let inSpeech = 0;
  let missed = 0;
  const deadAir: number[] = [];
  for (const t of turns) {
    const firstPause = t.holds[0]?.start ?? t.end;
    const speech = anyIn(d, t.start, firstPause);
    inSpeech += speech;
    let cut = speech > 0;
    t.holds.forEach((h, k) => {
      holds++;
      const to = t.holds[k + 1]?.start ?? t.end;
      if (anyIn(d, h.start, to) > 0) {
        holdsCut++;
        cut = true;
      }
    });
    if (cut) turnsCut++;
    const i = lowerBound(d, t.end);
    const at = d[i];
    if (at !== undefined && at < t.windowEnd) deadAir.push(((at - t.end) / rate) * 1000);
    else {
      missed++;
      deadAir.push(((t.windowEnd - t.end) / rate) * 1000);
    }
  }
  const p = (q: number): number | null => {
    const v = percentile(deadAir, q);
    return v === null ? null : round1(v);
  };
  return {
    holds,
    holds_cut: holdsCut,
    false_cutoff_pct: holds > 0 ? round1((100 * holdsCut) / holds) : null,
    turns: turns.length,
    turns_cut: turnsCut,
    turns_cut_pct: turns.length > 0 ? round1((100 * turnsCut) / turns.length) : null,
    cutoffs_in_speech: inSpeech,
    dead_air_ms_p50: p(0.5),
    dead_air_ms_p90: p(0.9),
    shifts_missed: missed,
  };
}

/** A score as a result row shows it (counts as "n of m"). */
export function summary(s: Score): Record<string, unknown> {
  return {
    false_cutoff_pct: s.false_cutoff_pct,
    dead_air_ms_p50: s.dead_air_ms_p50,
    dead_air_ms_p90: s.dead_air_ms_p90,
    turns_cut_pct: s.turns_cut_pct,
    turns_cut: `${String(s.turns_cut)} of ${String(s.turns)}`,
    holds_cut: `${String(s.holds_cut)} of ${String(s.holds)}`,
    cutoffs_in_speech: s.cutoffs_in_speech,
    shifts_missed: s.shifts_missed,
  };
}

/** One point of a detector's curve: its swept parameter and the score there. */
export type CurvePoint = { param: number } & Score;

export interface OperatingPoints {
  /** Lowest dead-air p50 among the sweep points with <= 5 % false cut-offs (null: none reaches 5 %). */
  dead_air_ms_at_5pct: number | null;
  dead_air_ms_at_10pct: number | null;
  /** Lowest false cut-off rate among the sweep points whose dead-air p50 is <= 300 ms (null: none is). */
  false_cutoff_pct_at_300ms: number | null;
  false_cutoff_pct_at_600ms: number | null;
}

/**
 * The operating points of a swept detector, read off its curve without interpolation: the best the
 * detector does within a false cut-off budget (dead air at 5 / 10 %), and within a dead-air budget
 * (false cut-offs at 300 / 600 ms of dead-air p50).
 */
export function operatingPoints(curve: readonly CurvePoint[]): OperatingPoints {
  const deadAirAt = (pct: number): number | null => {
    const ok = curve.filter(
      (c) => c.false_cutoff_pct !== null && c.false_cutoff_pct <= pct && c.dead_air_ms_p50 !== null,
    );
    return ok.length > 0 ? Math.min(...ok.map((c) => c.dead_air_ms_p50 ?? Infinity)) : null;
  };
  const cutoffsAt = (ms: number): number | null => {
    const ok = curve.filter(
      (c) => c.dead_air_ms_p50 !== null && c.dead_air_ms_p50 <= ms && c.false_cutoff_pct !== null,
    );
    return ok.length > 0 ? Math.min(...ok.map((c) => c.false_cutoff_pct ?? Infinity)) : null;
  };
  return {
    dead_air_ms_at_5pct: deadAirAt(5),
    dead_air_ms_at_10pct: deadAirAt(10),
    false_cutoff_pct_at_300ms: cutoffsAt(300),
    false_cutoff_pct_at_600ms: cutoffsAt(600),
  };
}
