import { describe, expect, it } from 'vitest';
import {
  agentsSessionDecisions,
  askPoints,
  clusterPauses,
  policyDecisions,
  sessionPolicyDecisions,
  type ModelPolicy,
} from './turns-policy.ts';
import { operatingPoints, percentile, scoreDecisions, type CurvePoint, type TruthTurn } from './turns-score.ts';

const RATE = 1000; // 1 sample = 1 ms, so the numbers read as milliseconds.

/** Speech 0-1000, hold 1000-1400, speech 1400-2000, hold 2000-2600, speech 2600-3000; window to 7000. */
const turn: TruthTurn = {
  fixture: 'a',
  set: 'real',
  start: 0,
  end: 3000,
  holds: [
    { start: 1000, end: 1400 },
    { start: 2000, end: 2600 },
  ],
  windowEnd: 7000,
};
const other: TruthTurn = { fixture: 'b', set: 'synthetic', start: 8000, end: 9000, holds: [], windowEnd: 13_000 };

describe('scoreDecisions', () => {
  it('scores a decision in a hold pause as a false cut-off and the first decision after the end as dead air', () => {
    const s = scoreDecisions([turn, other], [1200, 3300, 9500], RATE);
    expect(s.holds).toBe(2);
    expect(s.holds_cut).toBe(1);
    expect(s.false_cutoff_pct).toBe(50);
    expect(s.turns_cut).toBe(1);
    expect(s.turns_cut_pct).toBe(50);
    expect(s.cutoffs_in_speech).toBe(0);
    // Dead air 300 and 500: nearest-rank p50 is the lower one.
    expect(s.dead_air_ms_p50).toBe(300);
    expect(s.dead_air_ms_p90).toBe(500);
    expect(s.shifts_missed).toBe(0);
  });

  it('counts a late decision inside the speech after a pause against that pause, and several decisions once', () => {
    const s = scoreDecisions([turn], [1500, 1700, 2100, 3200], RATE);
    expect(s.holds_cut).toBe(2);
    expect(s.false_cutoff_pct).toBe(100);
    expect(s.dead_air_ms_p50).toBe(200);
  });

  it('counts decisions before the first pause as cut-offs in speech', () => {
    const s = scoreDecisions([turn], [500, 3100], RATE);
    expect(s.cutoffs_in_speech).toBe(1);
    expect(s.holds_cut).toBe(0);
    expect(s.turns_cut).toBe(1);
  });

  it('charges the whole window to a turn nobody ended, and says so', () => {
    const s = scoreDecisions([turn], [7200], RATE);
    expect(s.shifts_missed).toBe(1);
    expect(s.dead_air_ms_p50).toBe(4000);
  });

  it('has no rate without holds or turns', () => {
    const s = scoreDecisions([other], [], RATE);
    expect(s.false_cutoff_pct).toBeNull();
    expect(scoreDecisions([], [], RATE).dead_air_ms_p50).toBeNull();
  });
});

describe('operatingPoints', () => {
  const pt = (param: number, fc: number, da: number): CurvePoint => ({
    param,
    holds: 100,
    holds_cut: fc,
    false_cutoff_pct: fc,
    turns: 10,
    turns_cut: 0,
    turns_cut_pct: 0,
    cutoffs_in_speech: 0,
    dead_air_ms_p50: da,
    dead_air_ms_p90: da,
    shifts_missed: 0,
  });
  it('reads dead air within a cut-off budget and cut-offs within a dead-air budget', () => {
    const curve = [pt(200, 60, 210), pt(300, 40, 300), pt(500, 12, 520), pt(800, 8, 800), pt(1200, 4, 1190)];
    expect(operatingPoints(curve)).toEqual({
      dead_air_ms_at_5pct: 1190,
      dead_air_ms_at_10pct: 800,
      false_cutoff_pct_at_300ms: 40,
      false_cutoff_pct_at_600ms: 12,
    });
  });
  it('is null where the sweep never gets within the budget', () => {
    const o = operatingPoints([pt(400, 30, 410)]);
    expect(o.dead_air_ms_at_5pct).toBeNull();
    expect(o.false_cutoff_pct_at_300ms).toBeNull();
    expect(o.false_cutoff_pct_at_600ms).toBe(30);
  });
});

describe('percentile', () => {
  it('is nearest-rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([1, 2], 0.95)).toBe(2);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('turn model policy', () => {
  // Pause 1 (speech end 1000) reaches 200/300/400 ms of silence; pause 2 (speech end 3000) reaches all.
  const events = [
    { silenceMs: 200, endSample: 1000, decisionSample: 1200 },
    { silenceMs: 300, endSample: 1000, decisionSample: 1300 },
    { silenceMs: 400, endSample: 1016, decisionSample: 1400 },
    ...[200, 300, 400, 500].map((s) => ({ silenceMs: s, endSample: 3000, decisionSample: 3000 + s })),
  ];
  const policy: ModelPolicy = { asksMs: [200, 300, 400], ceilingMs: 500 };

  it('groups the replays into pauses by their speech end', () => {
    const pauses = clusterPauses(events, 32);
    expect(pauses).toHaveLength(2);
    expect(pauses[0]?.reached.map((r) => r.silenceMs)).toEqual([200, 300, 400]);
    expect(askPoints(pauses, policy)).toEqual([1200, 1300, 1400, 3200, 3300, 3400]);
  });

  it('ends at the first answer at or above the threshold, else at the ceiling; a missing answer is "not over"', () => {
    const pauses = clusterPauses(events, 32);
    const answers = new Map([
      [1200, 0.1],
      [1300, 0.6],
      [3200, 0.2],
      [3300, 0.3],
      [3400, 0.4],
    ]);
    expect(policyDecisions(pauses, answers, 0.5, policy)).toEqual([1300, 3500]);
    expect(policyDecisions(pauses, answers, 0.7, policy)).toEqual([3500]);
    expect(policyDecisions(pauses, answers, 0, policy)).toEqual([1200, 3200]);
  });

  it("follows LiveKit AgentSession's rule: one question, then the min or max delay", () => {
    const pauses = clusterPauses(events, 32);
    const answers = new Map([
      [1200, 0.1],
      [3200, 0.9],
    ]);
    expect(agentsSessionDecisions(pauses, answers, 0.5, { askMs: 200, minDelayMs: 300, maxDelayMs: 500 })).toEqual([
      3300,
    ]);
  });
});

describe('session policy with the model cost', () => {
  // One pause from 1000: silence reached at every 50 ms up to 450 ms (the user resumed at ~470), one from
  // 3000 that reaches 2000 (the end of the turn).
  const reached = (start: number, upTo: number): { silenceMs: number; at: number }[] =>
    Array.from({ length: upTo / 50 - 1 }, (_, i) => ({ silenceMs: 100 + 50 * i, at: start + 100 + 50 * i }));
  const pauses = [
    { speechEnd: 1000, reached: reached(1000, 450) },
    { speechEnd: 3000, reached: reached(3000, 2000) },
  ];
  const policy = { firstAskMs: 200, reaskMs: 300, ceilingMs: 2000, gridMs: 100 };

  it('ends a turn when the "complete" answer arrives, not when it was asked', () => {
    const answers = new Map([
      [1200, 0.1],
      [3200, 0.9],
    ]);
    expect(sessionPolicyDecisions(pauses, answers, () => 150, 0.5, policy, RATE)).toEqual([3350]);
  });

  it('re-asks every reaskMs, or when a slow answer came, on the answer grid', () => {
    const asked: number[] = [];
    const answers = new Map([[3800, 0.9]]);
    const cost = (at: number): number => {
      asked.push(at);
      return 350;
    };
    // 200 (answer at 550) -> 600 (answer at 950) -> 1000 ...: 800 is never asked with a 350 ms model.
    expect(sessionPolicyDecisions(pauses, answers, cost, 0.5, policy, RATE)).toEqual([5000]);
    expect(asked.filter((a) => a >= 3000)).toEqual([3200, 3600, 4000, 4400, 4800]);
  });

  it('drops an answer that arrives after the user resumed, but counts one that may have been in time', () => {
    const answers = new Map([[1200, 0.9]]);
    // Asked at 200 ms of pause; the pause reached 450 ms and not 500: a 300 ms answer (at 500) came after
    // the resume for sure; a 240 ms answer (at 440) was in time.
    expect(sessionPolicyDecisions(pauses.slice(0, 1), answers, () => 300, 0.5, policy, RATE)).toEqual([]);
    expect(sessionPolicyDecisions(pauses.slice(0, 1), answers, () => 240, 0.5, policy, RATE)).toEqual([1440]);
  });
});
