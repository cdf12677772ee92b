/**
 * Capacity bench (`npm run bench -- scale`): how many conversations one agent worker serves on this
 * machine before latency degrades, what a session start costs, and what a burst of new rooms does to the
 * conversations already running. A real livekit-server and one worker (echo brain, the deployment's
 * defaults), driven by simulated users (bench/scale-session.ts: rtc-node clients speaking real recordings
 * as Opus, manual turns like the SDK's, a think pause between turns).
 *
 * 1. Start cost: 4 users join, get `session.created` and leave; worker-tree CPU from the joins until the
 *    tree is idle again (job process start, prewarm, pool refill, teardown), minus the idle rate, per start.
 * 2. Ramp: 1, 2, 4, 8, 12, 16, 24, 32 concurrent users (env SOTTO_SCALE_LEVELS), joining at 4 per second
 *    and staying; at each level a measurement window (45 s for one user, 25 s above): v2v p50/p95 of the
 *    agent part (commit sent -> first audible agent frame at the client), session starts, worker-tree CPU
 *    and memory per session. Stops early (reason recorded) once a level collapses.
 * 3. Burst: 4 users talk; 10 new rooms within 1 s; their starts, and the 4 users' v2v before vs during.
 *
 * The knee: the most sessions whose v2v p95 stays within 1.5x of the single-session p95.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { dispose } from '@livekit/rtc-node';
import { ROOT, startTestStack, type TestStack } from '../server/testing/stack.ts';
import { treeUsage } from '../server/proc-tree.ts';
import { writeScaleChart } from './scale-chart.ts';
import {
  knee,
  load1,
  mark,
  pctOfCore,
  summariseStarts,
  summariseTurns,
  type CpuMark,
  type LevelSummary,
  type StartSummary,
  type TurnSummary,
} from './scale-measure.ts';
import { loadUtterances, SimUser, startSession, type StartResult } from './scale-session.ts';
import { sleep } from './server.ts';

/**
 * A start that has no `session.created` (nor a refusal) after this long counts as timed out (the
 * framework kills a job process that has not initialized in 30 s).
 */
const START_TIMEOUT_MS = 30_000;
/** New users per second during the ramp. */
const ARRIVALS_PER_S = 4;

interface Level extends LevelSummary, TurnSummary {
  starts: StartSummary;
  window_s: number;
  cpu_pct_per_session: number;
  cpu_worker_pct: number;
  cpu_livekit_pct: number;
  cpu_clients_pct: number;
  rss_mb_per_session: number | null;
  load1: number;
}

/** Waits until the worker tree burns < `pct` % of a core over 2 s (pool warm, jobs gone); max `maxMs`. */
async function settle(pid: number, maxMs = 30_000, pct = 15): Promise<number> {
  const t0 = performance.now();
  let last = treeUsage(pid)?.cpuSeconds ?? 0;
  let quiet = 0;
  while (performance.now() - t0 < maxMs) {
    await sleep(1000);
    const now = treeUsage(pid)?.cpuSeconds ?? 0;
    quiet = now - last < pct / 100 ? quiet + 1 : 0;
    last = now;
    if (quiet >= 2) break;
  }
  return Math.round(performance.now() - t0);
}

/** Starts `n` sessions, `perSecond` apart; each one that starts is handed to `onStarted` at once. */
async function arrive(
  stack: TestStack,
  n: number,
  perSecond: number,
  onStarted: (r: StartResult) => void,
): Promise<StartResult[]> {
  const joins: Promise<StartResult>[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) await sleep(1000 / perSecond);
    joins.push(
      startSession(stack, START_TIMEOUT_MS).then((r) => {
        onStarted(r);
        return r;
      }),
    );
  }
  return Promise.all(joins);
}

const talkers = (utterances: Int16Array[], into: SimUser[]) => (r: StartResult) => {
  if (!r.client) return;
  const u = new SimUser(r.client, utterances);
  into.push(u);
  u.talk();
};

async function startCost(stack: TestStack): Promise<Record<string, number | null>> {
  const idleFrom = mark(stack.agentPid, stack.livekitPid);
  await sleep(3000);
  const idleTo = mark(stack.agentPid, stack.livekitPid);
  const idleRate = (idleTo.worker - idleFrom.worker) / ((idleTo.at - idleFrom.at) / 1000);
  const k = 4;
  const a = mark(stack.agentPid, stack.livekitPid);
  const starts = await arrive(stack, k, ARRIVALS_PER_S, (r) => void r.client?.close());
  await settle(stack.agentPid);
  const b = mark(stack.agentPid, stack.livekitPid);
  const ok = starts.filter((s) => s.outcome === 'ok').length;
  const cpu = b.worker - a.worker - idleRate * ((b.at - a.at) / 1000);
  const s = summariseStarts(starts);
  return {
    sessions: k,
    started: ok,
    // Every room asked for an agent (a job is launched even for a user who gave up waiting).
    cpu_s_per_session_start: Math.round((cpu / k) * 100) / 100,
    idle_worker_pct: Math.round(idleRate * 1000) / 10,
    quiet_start_ms_p50: s.start_ms_p50,
    quiet_start_ms_p95: s.start_ms_p95,
  };
}

async function measureLevel(
  stack: TestStack,
  users: SimUser[],
  n: number,
  starts: StartResult[],
  windowS: number,
  emptyRss: number,
): Promise<Level> {
  await sleep(3000); // the new users' first turns are under way
  const a: CpuMark = mark(stack.agentPid, stack.livekitPid);
  await sleep(windowS * 1000);
  const b: CpuMark = mark(stack.agentPid, stack.livekitPid);
  const turns = summariseTurns(
    users.flatMap((u) => u.turns),
    a.at,
    b.at,
  );
  const worker = pctOfCore(a, b, 'worker');
  const s = summariseStarts(starts);
  const active = users.length;
  return {
    sessions: n,
    ...turns,
    starts: s,
    starts_not_ok: s.attempts - s.ok,
    window_s: windowS,
    cpu_worker_pct: worker,
    cpu_pct_per_session: active > 0 ? Math.round((worker / active) * 10) / 10 : 0,
    cpu_livekit_pct: pctOfCore(a, b, 'livekit'),
    cpu_clients_pct: pctOfCore(a, b, 'clients'),
    rss_mb_per_session: active > 0 ? Math.round((b.workerRssBytes - emptyRss) / active / 2 ** 20) : null,
    load1: load1(),
  };
}

async function burst(stack: TestStack, utterances: Int16Array[]): Promise<Record<string, unknown>> {
  const background: SimUser[] = [];
  const burstUsers: SimUser[] = [];
  try {
    await arrive(stack, 4, ARRIVALS_PER_S, talkers(utterances, background));
    await sleep(3000);
    const t0 = performance.now();
    await sleep(20_000);
    const t1 = performance.now();
    // 10 rooms within 1 s.
    const starts = await arrive(stack, 10, 10, talkers(utterances, burstUsers));
    await sleep(Math.max(0, 20_000 - (performance.now() - t1)));
    const t2 = performance.now();
    const bg = background.flatMap((u) => u.turns);
    const before = summariseTurns(bg, t0, t1);
    const during = summariseTurns(bg, t1, t2);
    const s = summariseStarts(starts);
    return {
      background_sessions: background.length,
      rooms: 10,
      starts: s,
      background_v2v_ms_p95_before: before.v2v_ms_p95,
      background_v2v_ms_p95_during: during.v2v_ms_p95,
      background_v2v_ms_p50_before: before.v2v_ms_p50,
      background_v2v_ms_p50_during: during.v2v_ms_p50,
      background_failed_turns_during: during.failed_turns,
    };
  } finally {
    await Promise.all([...background, ...burstUsers].map((u) => u.stop()));
  }
}

export async function runScaleBench(): Promise<Record<string, unknown>> {
  const levels = (process.env.SOTTO_SCALE_LEVELS ?? '1,2,4,8,12,16,24,32').split(',').map(Number);
  const budgetS = Number(process.env.SOTTO_SCALE_BUDGET_S ?? 660);
  const { pcm: utterances, source } = loadUtterances(ROOT);
  const t0 = performance.now();
  const stack = await startTestStack('bench-scale', {
    SOTTO_REJOIN_GRACE_MS: '0', // a session ends as soon as its user leaves
    SOTTO_LOG_LEVEL: 'warn',
  });
  const users: SimUser[] = [];
  const results: Level[] = [];
  let cut: string | null = null;
  let start: Record<string, number | null>;
  let burstResult: Record<string, unknown>;
  try {
    await settle(stack.agentPid, 90_000);
    start = await startCost(stack);
    const emptyRss = treeUsage(stack.agentPid)?.rssBytes ?? 0;
    let single: number | null = null;
    for (const n of levels) {
      if ((performance.now() - t0) / 1000 > budgetS) {
        cut = `time budget (${budgetS} s) spent before ${n} sessions`;
        break;
      }
      const starts = await arrive(stack, n - users.length, ARRIVALS_PER_S, talkers(utterances, users));
      // The curve needs its first point: a single session that failed to start is tried twice more.
      for (let retry = 0; n === 1 && users.length === 0 && retry < 2; retry++) {
        starts.push(...(await arrive(stack, 1, ARRIVALS_PER_S, talkers(utterances, users))));
      }
      const level = await measureLevel(stack, users, n, starts, n === 1 ? 45 : 25, emptyRss);
      results.push(level);
      console.log(
        `[scale] ${n} sessions: v2v p50/p95 ${level.v2v_ms_p50}/${level.v2v_ms_p95} ms, starts ok ${level.starts.ok}/${level.starts.attempts} (p95 ${level.starts.start_ms_p95} ms), worker ${level.cpu_worker_pct} % of a core, load ${level.load1}`,
      );
      if (n === 1) single = level.v2v_ms_p95;
      const notOk = level.starts.attempts - level.starts.ok;
      if (single !== null && level.v2v_ms_p95 !== null && level.v2v_ms_p95 > 5 * single) {
        cut = `collapsed at ${n} sessions: v2v p95 ${level.v2v_ms_p95} ms > 5x single (${single} ms)`;
      } else if (users.length === 0 || (n >= 4 && notOk >= level.starts.attempts / 2)) {
        cut = `at ${n} sessions ${notOk} of ${level.starts.attempts} new sessions got no agent`;
      } else if (level.turns > 0 && level.failed_turns > level.turns / 4) {
        cut = `at ${n} sessions ${level.failed_turns} of ${level.turns} turns failed`;
      }
      if (cut) break;
    }
    await Promise.all(users.splice(0).map((u) => u.stop()));
    await settle(stack.agentPid);
    burstResult = await burst(stack, utterances);
  } finally {
    await Promise.all(users.map((u) => u.stop()));
    await stack.stop();
    await dispose().catch(() => undefined);
  }
  const burstStarts = burstResult.starts as StartSummary | undefined;
  const out = {
    knee_sessions: knee(results),
    single_v2v_ms_p95: results.find((l) => l.sessions === 1)?.v2v_ms_p95 ?? null,
    burst_start_ms_p95: burstStarts?.start_ms_p95 ?? null,
    burst_timeouts: burstStarts?.timeouts ?? null,
    cpu_s_per_session_start: start.cpu_s_per_session_start ?? null,
    levels: results,
    cut_short: cut,
    start_cost: start,
    burst: burstResult,
    setup: {
      brain: 'echo (speak: Flite TTS, cached phrases)',
      speech: source,
      think_ms: '800-2500 between the end of a reply and the next turn',
      arrivals_per_s: ARRIVALS_PER_S,
      start_timeout_ms: START_TIMEOUT_MS,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '' },
      worker_env: 'defaults; SOTTO_REJOIN_GRACE_MS=0, SOTTO_LOG_LEVEL=warn',
    },
    targets: {
      'knee >= 16': null as boolean | null,
      'burst start p95 <= 1000 ms': null as boolean | null,
      'burst timeouts == 0': null as boolean | null,
      'cpu per start <= 0.5 s': null as boolean | null,
    },
    notes:
      'Clients, livekit-server and the worker share the machine (2 cores, shared with other work): clients ' +
      'CPU is reported per level. v2v is the agent part: commit sent -> first audible agent frame at the client.',
  };
  out.targets = {
    'knee >= 16': out.knee_sessions !== null && out.knee_sessions >= 16,
    'burst start p95 <= 1000 ms': out.burst_start_ms_p95 !== null && out.burst_start_ms_p95 <= 1000,
    'burst timeouts == 0': out.burst_timeouts === 0,
    'cpu per start <= 0.5 s': out.cpu_s_per_session_start !== null && out.cpu_s_per_session_start <= 0.5,
  };
  await writeScaleChart(join(ROOT, 'bench', 'results'), out).catch((e: unknown) => {
    console.error('[scale] chart not written:', e);
  });
  return out;
}
