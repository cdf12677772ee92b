/**
 * What the capacity bench measures, as pure functions over what it recorded: percentiles of turns in a
 * window, start outcomes, CPU marks of the worker tree, and the knee of the curve.
 */
import { loadavg } from 'node:os';
import { treeUsage } from '../server/proc-tree.ts';
import { percentile } from './server.ts';
import type { StartResult, TurnRecord } from './scale-session.ts';

export interface CpuMark {
  /** Worker tree (worker + job processes, incl. reaped ones), CPU seconds. */
  worker: number;
  workerRssBytes: number;
  livekit: number;
  /** This process (every simulated client), CPU seconds. */
  clients: number;
  at: number;
}

export function mark(workerPid: number, livekitPid: number): CpuMark {
  const w = treeUsage(workerPid);
  const u = process.cpuUsage();
  return {
    worker: w?.cpuSeconds ?? 0,
    workerRssBytes: w?.rssBytes ?? 0,
    livekit: treeUsage(livekitPid)?.cpuSeconds ?? 0,
    clients: (u.user + u.system) / 1e6,
    at: performance.now(),
  };
}

/** CPU over [a, b] as % of one core. */
export const pctOfCore = (a: CpuMark, b: CpuMark, key: 'worker' | 'livekit' | 'clients'): number =>
  Math.round(((b[key] - a[key]) / Math.max(0.001, (b.at - a.at) / 1000)) * 1000) / 10;

export interface StartSummary {
  attempts: number;
  ok: number;
  refused: number;
  timeouts: number;
  failed: number;
  start_ms_p50: number | null;
  start_ms_p95: number | null;
  /** How long a refused start waited for its answer, p95 ms. */
  refused_ms_p95: number | null;
}

export function summariseStarts(starts: StartResult[]): StartSummary {
  const okMs = starts.filter((s) => s.outcome === 'ok' && s.ms !== null).map((s) => s.ms ?? 0);
  const refusedMs = starts.filter((s) => s.outcome === 'refused' && s.ms !== null).map((s) => s.ms ?? 0);
  return {
    attempts: starts.length,
    ok: okMs.length,
    refused: refusedMs.length,
    timeouts: starts.filter((s) => s.outcome === 'timeout').length,
    failed: starts.filter((s) => s.outcome === 'failed').length,
    start_ms_p50: percentile(okMs, 50),
    start_ms_p95: percentile(okMs, 95),
    refused_ms_p95: percentile(refusedMs, 95),
  };
}

export interface TurnSummary {
  turns: number;
  failed_turns: number;
  /** Failed turns by reason. */
  failures: Record<string, number>;
  v2v_ms_p50: number | null;
  v2v_ms_p95: number | null;
  server_ms_p50: number | null;
  server_ms_p95: number | null;
}

/** Turns whose commit went out within [from, to). */
export function summariseTurns(turns: TurnRecord[], from: number, to: number): TurnSummary {
  const inWindow = turns.filter((t) => t.at >= from && t.at < to);
  const v2v = inWindow.flatMap((t) => (t.v2vMs === null ? [] : [t.v2vMs]));
  const server = inWindow.flatMap((t) => (t.serverMs === null ? [] : [t.serverMs]));
  const failures: Record<string, number> = {};
  for (const t of inWindow) if (t.error) failures[t.error] = (failures[t.error] ?? 0) + 1;
  return {
    turns: inWindow.length,
    failed_turns: inWindow.filter((t) => t.error !== undefined).length,
    failures,
    v2v_ms_p50: percentile(v2v, 50),
    v2v_ms_p95: percentile(v2v, 95),
    server_ms_p50: percentile(server, 50),
    server_ms_p95: percentile(server, 95),
  };
}

export interface LevelSummary {
  sessions: number;
  v2v_ms_p50: number | null;
  v2v_ms_p95: number | null;
  /** Sessions that asked for an agent at this level and did not get one. */
  starts_not_ok: number;
  turns: number;
  failed_turns: number;
}

/**
 * The knee: the most sessions whose v2v p95 stays within `factor` x the single-session p95, counting
 * levels from the smallest up and stopping at the first that misses (all its sessions started, at most
 * 5 % failed turns). Null without a single-session level.
 */
export function knee(levels: LevelSummary[], factor = 1.5): number | null {
  const sorted = [...levels].sort((a, b) => a.sessions - b.sessions);
  const single = sorted.find((l) => l.sessions === 1)?.v2v_ms_p95;
  if (single === undefined || single === null) return null;
  let best: number | null = null;
  for (const l of sorted) {
    const ok =
      l.v2v_ms_p95 !== null &&
      l.v2v_ms_p95 <= factor * single &&
      // (The single session may have needed a retry to start; its latency is still the reference.)
      (l.starts_not_ok === 0 || l.sessions === 1) &&
      l.failed_turns <= Math.max(0, 0.05 * l.turns);
    if (!ok) break;
    best = l.sessions;
  }
  return best;
}

export const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;
