/**
 * Server benchmark: a real livekit-server and one agent worker (echo brain) on this machine, driven by
 * @livekit/rtc-node clients, one room each.
 *
 * - commit_to_first_audio_ms: server side (`response["sotto:timings"]`), from the commit event to the
 *   first reply frame handed to WebRTC.
 * - v2v_ms: client side, from sending `input_audio_buffer.commit` (right after the user's last audio
 *   frame went out) to the first audible frame of the agent's track at the client — signalling, the
 *   server, Opus both ways, the SFU and the client's jitter buffer.
 * - CPU: utime+stime of the worker's process group (worker + job processes, incl. reaped ones), of
 *   livekit-server and of this (client) process, over each level's turns, as % of one core; per
 *   session = worker / N. Starting a session (a job process per room) is reported apart, in CPU seconds.
 *
 * `node --import tsx bench/server.ts` writes bench/results/server.json. Numbers, not assertions.
 * Env: SOTTO_BENCH_LEVELS (default "1,5,10,20"), SOTTO_BENCH_TURNS (turns per session, default 3).
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dispose } from '@livekit/rtc-node';
import { FliteTts } from '../server/tts/flite.ts';
import { resample, trimSilence } from '../server/tts/pcm.ts';
import { RtcClient } from '../server/testing/rtc-client.ts';
import { ROOT, startTestStack, type TestStack } from '../server/testing/stack.ts';

const CLOCK_TICKS = 100; // USER_HZ on Linux
/** Longest a level's turns may run; later turns are skipped and counted as failed. */
const LEVEL_BUDGET_MS = 75_000;

interface LevelResult {
  sessions: number;
  turns: number;
  failed_turns: number;
  /** Failed turns by reason (a session that could not join counts all its turns). */
  failures: Record<string, number>;
  v2v_ms_p50: number | null;
  v2v_ms_p95: number | null;
  commit_to_first_audio_ms_p50: number | null;
  commit_to_first_audio_ms_p95: number | null;
  cpu_worker_percent: number;
  cpu_worker_percent_per_session: number;
  cpu_livekit_percent: number;
  cpu_clients_percent: number;
  /** Worker CPU seconds to start one session (job process start and prewarm, pool refill). */
  session_start_cpu_s_per_session: number;
  /** Wall time of the measured turns. */
  wall_s: number;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return Math.round((s[i] ?? 0) * 10) / 10;
}

/**
 * CPU seconds (user + system) used by process group `pgid` so far: its live processes plus, through the
 * leader's cutime/cstime, every child the leader has reaped (job processes that ended), so CPU does not
 * vanish from the total when a job process exits.
 */
function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the ")" of the command name: state(0) ppid(1) pgrp(2) ... utime(11) stime(12) cutime(13) cstime(14)
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) !== pgid) continue;
      ticks += Number(f[11]) + Number(f[12]);
      if (Number(name) === pgid) ticks += Number(f[13]) + Number(f[14]);
    } catch {
      /* exited */
    }
  }
  return ticks / CLOCK_TICKS;
}

const selfCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `p`, or a rejection after `ms` (the bench must end even if an rtc-node call never settles). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} timed out`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** Why turns failed, by reason, for the results. */
type Failures = Record<string, number>;
const fail = (f: Failures, e: unknown): void => {
  const reason = (e instanceof Error ? e.message : String(e)).replace(/;.*$/s, '').slice(0, 60);
  f[reason] = (f[reason] ?? 0) + 1;
};

/** Joins a fresh room (which dispatches a job) and waits for `session.created`; null on failure. */
async function joinRoom(stack: TestStack, failures: Failures): Promise<RtcClient | null> {
  let c: RtcClient | null = null;
  let gaveUp = false;
  try {
    const connecting = RtcClient.connect({
      url: stack.url,
      apiKey: stack.apiKey,
      apiSecret: stack.apiSecret,
      room: `bench-${randomBytes(4).toString('hex')}`,
    });
    // A connect that completes after we gave up on it must still be closed.
    connecting.then(
      (late) => {
        if (gaveUp) void within(late.close(), 5_000, 'close').catch(() => undefined);
      },
      () => undefined,
    );
    c = await within(connecting, 30_000, 'connect').catch((e: unknown) => {
      gaveUp = true;
      throw e;
    });
    await c.waitFor('session.created', 1, 30_000);
    return c;
  } catch (e) {
    fail(failures, e);
    if (c) await within(c.close(), 5_000, 'close').catch(() => undefined);
    return null;
  }
}

/** One manual turn: speak, commit, wait for the reply's first audible frame and its response.done. */
export async function turn(
  c: RtcClient,
  utterance: Int16Array,
  n: number,
  v2v: number[],
  server: number[],
): Promise<void> {
  await c.send({ type: 'input_audio_buffer.clear' });
  await c.speak(utterance);
  const heardBefore = c.audibleAt.length;
  const sentAt = performance.now();
  await c.send({ type: 'input_audio_buffer.commit' });
  await c.send({ type: 'response.create' });
  await c.until(() => c.audibleAt.length > heardBefore, 10_000, 'agent audio');
  v2v.push((c.audibleAt[heardBefore] ?? 0) - sentAt);
  const done = await c.waitFor('response.done', n, 15_000);
  const ms = done.response['sotto:timings']?.commit_to_first_audio_ms;
  if (done.response.status !== 'completed' || ms === undefined) throw new Error(`response ${done.response.status}`);
  server.push(ms);
}

/** Runs `turns` turns (each bounded in time) until `deadline`; counts failures by reason. */
async function turnsOf(
  c: RtcClient,
  utterance: Int16Array,
  turns: number,
  deadline: number,
  out: { v2v: number[]; server: number[]; failures: Failures },
): Promise<void> {
  for (let t = 0; t < turns; t++) {
    if (performance.now() > deadline) {
      fail(out.failures, new Error('level deadline'));
      continue;
    }
    await sleep(Math.random() * 800); // de-synchronise the sessions
    try {
      await within(turn(c, utterance, t + 1, out.v2v, out.server), 40_000, 'turn');
    } catch (e) {
      fail(out.failures, e);
    }
  }
}

/**
 * Waits until the worker's process group is nearly idle (job processes started and prewarmed, the idle
 * pool refilled), so the turns are not measured against process churn. Gives up after `maxMs`.
 */
async function settle(pgid: number, maxMs = 10_000): Promise<void> {
  const t0 = performance.now();
  let last = groupCpuSeconds(pgid);
  while (performance.now() - t0 < maxMs) {
    await sleep(1000);
    const now = groupCpuSeconds(pgid);
    if (now - last < 0.1) return; // < 10 % of a core over the last second
    last = now;
  }
}

interface CpuMark {
  worker: number;
  lk: number;
  self: number;
  at: number;
}
const mark = (stack: TestStack): CpuMark => ({
  worker: groupCpuSeconds(stack.agentPid),
  lk: groupCpuSeconds(stack.livekitPid),
  self: selfCpuSeconds(),
  at: performance.now(),
});

/**
 * One load level: N clients join (each room gets its own job process), the worker settles, then every
 * client runs its turns concurrently. CPU is measured over the turns only; the CPU of starting the
 * sessions (job process start + prewarm, pool refill) is reported separately per session.
 */
async function level(stack: TestStack, n: number, turns: number, utterance: Int16Array): Promise<LevelResult> {
  const out = { v2v: [] as number[], server: [] as number[], failures: {} as Failures };
  const joinMark = mark(stack);
  const clients = await Promise.all(Array.from({ length: n }, () => joinRoom(stack, out.failures)));
  const joined = clients.filter((c): c is RtcClient => c !== null);
  await settle(stack.agentPid);
  const start = mark(stack);
  const deadline = start.at + LEVEL_BUDGET_MS;
  await Promise.all(joined.map((c) => turnsOf(c, utterance, turns, deadline, out))).finally(() =>
    Promise.all(joined.map((c) => within(c.close(), 5_000, 'close').catch(() => undefined))),
  );
  const end = mark(stack);
  const wall = (end.at - start.at) / 1000;
  const pct = (cpuSeconds: number): number => Math.round((cpuSeconds / wall) * 1000) / 10;
  const worker = pct(end.worker - start.worker);
  const failedTurns = Object.values(out.failures).reduce((a, b) => a + b, 0) + (n - joined.length) * (turns - 1);
  return {
    sessions: n,
    turns: n * turns,
    failed_turns: failedTurns,
    failures: out.failures,
    v2v_ms_p50: percentile(out.v2v, 50),
    v2v_ms_p95: percentile(out.v2v, 95),
    commit_to_first_audio_ms_p50: percentile(out.server, 50),
    commit_to_first_audio_ms_p95: percentile(out.server, 95),
    cpu_worker_percent: worker,
    cpu_worker_percent_per_session: Math.round((worker / n) * 10) / 10,
    cpu_livekit_percent: pct(end.lk - start.lk),
    cpu_clients_percent: pct(end.self - start.self),
    session_start_cpu_s_per_session: Math.round(((start.worker - joinMark.worker) / n) * 100) / 100,
    wall_s: Math.round(wall * 10) / 10,
  };
}

export async function runServerBench(): Promise<Record<string, unknown>> {
  const levels = (process.env.SOTTO_BENCH_LEVELS ?? '1,5,10,20').split(',').map(Number);
  const turns = Number(process.env.SOTTO_BENCH_TURNS ?? 3);
  const maxLevel = Math.max(...levels);
  // Job slots above the largest level: the worker reports load = jobs / maxJobs and LiveKit stops
  // dispatching to it at 0.7.
  const maxJobs = Math.ceil(maxLevel / 0.6);
  const speech = new FliteTts('rms').synthesize('Testing one, two, three.');
  const utterance = resample(trimSilence(speech.pcm, 400, 480), speech.sampleRate, 48_000);
  const stack = await startTestStack('bench-server', {
    SOTTO_MAX_JOBS: String(maxJobs),
    SOTTO_IDLE_PROCESSES: '4',
    SOTTO_REJOIN_GRACE_MS: '0', // a level's jobs end as soon as its clients leave
    SOTTO_LOG_LEVEL: 'warn',
  });
  const results: LevelResult[] = [];
  try {
    // Warm-up, not measured: the worker's first job processes start and prewarm (TTS, VAD model) now.
    await settle(stack.agentPid);
    await level(stack, 1, 1, utterance);
    for (const n of levels) {
      await settle(stack.agentPid); // the previous level's jobs ended, the idle pool is warm again
      results.push(await level(stack, n, turns, utterance));
    }
  } finally {
    await stack.stop();
    // rtc-node's FFI keeps the process alive until disposed; no other bench uses it.
    await dispose().catch(() => undefined);
  }
  const one = results.find((r) => r.sessions === 1) ?? results[0];
  return {
    bench: 'server',
    brain: 'echo (speak: Flite TTS, cached phrases)',
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.version },
    utterance_ms: Math.round((utterance.length / 48_000) * 1000),
    turns_per_session: turns,
    max_jobs: maxJobs,
    commit_to_first_audio_ms_p50: one?.commit_to_first_audio_ms_p50 ?? null,
    commit_to_first_audio_ms_p95: one?.commit_to_first_audio_ms_p95 ?? null,
    levels: results,
    notes:
      'v2v_ms is measured at an rtc-node client on the same machine (commit sent -> first audible agent frame). ' +
      'Clients, livekit-server and the worker share the 2 cores, so CPU of the clients is reported separately.',
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = join(ROOT, 'bench', 'results', 'server.json');
  runServerBench()
    .then((r) => {
      mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
      writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`);
      console.log(JSON.stringify(r, null, 2));
      console.log(`wrote ${out}`);
      process.exit(0);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
