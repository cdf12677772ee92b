/**
 * The interop bench's figures per peer (pooled over rounds) and the comparison of two peers measured in
 * the same run (ratios `b / a`). Pure: runs in, JSON-ready rows out.
 */
import { percentile } from '../../src/metrics/percentile.ts';
import type { PeerRun } from './drive.ts';

export interface PeerSummary {
  peer: string;
  runs: number;
  agentProtocol: string[];
  /** Every state the session showed, in order of first appearance. */
  statesSeen: string[];
  /** Turns spoken per run (the script's) and transcripts received per run. */
  turnsSpoken: number;
  userTranscripts: number[];
  agentTranscripts: number[];
  /** Runs where the barge-in worked end to end (local cut, agent's reply cut short, the interruption answered). */
  bargeInWorked: string;
  interruptions: number[];
  /** Per run: onset -> Sotto's local silence, and onset -> the agent ended its reply (ms). */
  bargeLocalSilenceMs: (number | null)[];
  bargeAgentStopMs: (number | null)[];
  typedAnswered: string;
  v2v: { n: number; p50: number | null; p95: number | null; min: number | null; max: number | null };
  /** Medians of the split of each voice turn at the agent's own decisions (see `TurnSplit`), ms. */
  split: {
    sottoEndpointing: number | null;
    toAgentThinking: number | null;
    thinkingToSpeaking: number | null;
    speakingToAudio: number | null;
  };
  /**
   * Voice turns by how long the agent took to decide the turn was over (speech end -> thinking): under
   * 1.5 s (its end-of-turn model said complete: min delay 0.5 s) or held longer (toward its max delay, 3 s).
   */
  agentEndOfTurn: { fast: number; held: number; fastMedianMs: number | null; heldMedianMs: number | null };
  readyMsMedian: number | null;
  agentJoinMsMedian: number | null;
  /** CPU seconds of the job process over one conversation, median over runs. */
  jobCpuSMedian: number | null;
  /** Each distinct error message with its count. */
  errors: Record<string, number>;
  pageProblems: number;
}

const round = (x: number | null, d = 0): number | null =>
  x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: readonly number[], p: number): number | null => (xs.length ? round(percentile(xs, p)) : null);
const median = (xs: readonly (number | null)[]): number | null =>
  pct(
    xs.filter((x): x is number => x !== null),
    50,
  );

export function summarise(peer: string, runs: readonly PeerRun[], turnsSpoken: number): PeerSummary {
  const v2v = runs.flatMap((r) => r.v2vMs);
  const splits = runs.flatMap((r) => r.turnSplits);
  const eot = splits.map((t) => t.toAgentThinking).filter((x): x is number => x !== null);
  const states: string[] = [];
  for (const r of runs) for (const s of r.states) if (!states.includes(s)) states.push(s);
  const errors: Record<string, number> = {};
  for (const r of runs) for (const e of r.errors) errors[e] = (errors[e] ?? 0) + 1;
  const of = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);
  return {
    peer,
    runs: runs.length,
    agentProtocol: [...new Set(runs.map((r) => r.agentProtocol ?? 'none'))],
    statesSeen: states,
    turnsSpoken,
    userTranscripts: runs.map((r) => r.userTranscripts.length),
    agentTranscripts: runs.map((r) => r.agentTranscripts.length),
    bargeInWorked: `${String(runs.filter((r) => r.bargeInWorked).length)}/${String(runs.length)}`,
    interruptions: runs.map((r) => r.interruptions),
    bargeLocalSilenceMs: runs.map((r) => r.bargeLocalSilenceMs),
    bargeAgentStopMs: runs.map((r) => r.bargeAgentStopMs),
    typedAnswered: `${String(runs.filter((r) => r.typedAnswered).length)}/${String(runs.length)}`,
    v2v: {
      n: v2v.length,
      p50: pct(v2v, 50),
      p95: pct(v2v, 95),
      min: v2v.length ? Math.min(...v2v) : null,
      max: v2v.length ? Math.max(...v2v) : null,
    },
    split: {
      sottoEndpointing: pct(of(splits.map((t) => t.sottoEndpointing)), 50),
      toAgentThinking: pct(of(splits.map((t) => t.toAgentThinking)), 50),
      thinkingToSpeaking: pct(of(splits.map((t) => t.thinkingToSpeaking)), 50),
      speakingToAudio: pct(of(splits.map((t) => t.speakingToAudio)), 50),
    },
    agentEndOfTurn: {
      fast: eot.filter((x) => x < 1500).length,
      held: eot.filter((x) => x >= 1500).length,
      fastMedianMs: pct(
        eot.filter((x) => x < 1500),
        50,
      ),
      heldMedianMs: pct(
        eot.filter((x) => x >= 1500),
        50,
      ),
    },
    readyMsMedian: pct(of(runs.map((r) => r.readyMs)), 50),
    agentJoinMsMedian: pct(of(runs.map((r) => r.agentJoinMs)), 50),
    jobCpuSMedian: round(percentile(of(runs.map((r) => r.agentCpu?.maxS ?? null)), 50), 2),
    errors,
    pageProblems: runs.reduce((n, r) => n + r.pageProblems.length, 0),
  };
}

/**
 * `b / a` of the figures that compare (v2v and its split, the agent's stop on barge-in, readiness, the
 * agent's join and CPU); null where either is missing.
 */
export function compare(a: PeerSummary, b: PeerSummary): Record<string, number | null> {
  const ratio = (x: number | null, y: number | null): number | null =>
    x === null || y === null || x === 0 ? null : round(y / x, 2);
  return {
    v2v_p50: ratio(a.v2v.p50, b.v2v.p50),
    v2v_p95: ratio(a.v2v.p95, b.v2v.p95),
    to_agent_thinking: ratio(a.split.toAgentThinking, b.split.toAgentThinking),
    thinking_to_speaking: ratio(a.split.thinkingToSpeaking, b.split.thinkingToSpeaking),
    speaking_to_audio: ratio(a.split.speakingToAudio, b.split.speakingToAudio),
    barge_agent_stop_ms: ratio(median(a.bargeAgentStopMs), median(b.bargeAgentStopMs)),
    ready_ms: ratio(a.readyMsMedian, b.readyMsMedian),
    agent_join_ms: ratio(a.agentJoinMsMedian, b.agentJoinMsMedian),
    job_cpu_s: ratio(a.jobCpuSMedian, b.jobCpuSMedian),
  };
}

/** A short fixed-width table of the summaries. */
export function table(rows: readonly PeerSummary[]): string {
  const cols: [string, (s: PeerSummary) => string][] = [
    ['peer', (s) => s.peer],
    ['protocol', (s) => s.agentProtocol.join(',')],
    [
      'user/agent transcripts',
      (s) => `${s.userTranscripts.join(',')} / ${s.agentTranscripts.join(',')} of ${String(s.turnsSpoken)}`,
    ],
    ['barge-in', (s) => s.bargeInWorked],
    ['agent stops ms', (s) => s.bargeAgentStopMs.map(String).join(',')],
    ['EOT fast/held', (s) => `${String(s.agentEndOfTurn.fast)}/${String(s.agentEndOfTurn.held)}`],
    ['typed', (s) => s.typedAnswered],
    ['v2v p50/p95 ms (n)', (s) => `${String(s.v2v.p50)}/${String(s.v2v.p95)} (${String(s.v2v.n)})`],
    [
      'end>thinking>speaking>heard ms',
      (s) =>
        `${String(s.split.toAgentThinking)} + ${String(s.split.thinkingToSpeaking)} + ${String(s.split.speakingToAudio)}`,
    ],
    ['ready ms', (s) => String(s.readyMsMedian)],
    ['job CPU s', (s) => String(s.jobCpuSMedian)],
    ['errors', (s) => String(Object.values(s.errors).reduce((a, b) => a + b, 0))],
  ];
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => f(r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  return cells.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}
