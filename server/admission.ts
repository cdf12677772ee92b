/**
 * Admission by measured CPU. The worker's load is the CPU its own process tree burns (worker + job
 * processes, from `/proc`), projected forward by what a session is measured to cost, over a budget of
 * `cores x cpuTarget`. A busy neighbour (a browser, a build) does not make the worker look full, but its
 * own sessions do, before they degrade: LiveKit stops sending it rooms at load 1 (status FULL), and a
 * request that arrives between two load reports is refused at once when it would not fit.
 *
 * `AdmissionCore` is the pure decision; `CpuAdmission` feeds it from `/proc`.
 */
import { availableParallelism } from 'node:os';
import { treeUsage } from './proc-tree.ts';

export interface AdmissionOptions {
  /** Cores of the machine (or the container's quota). Default: `os.availableParallelism()`. */
  cores?: number;
  /**
   * Share of all cores the worker's sessions may use before it stops taking rooms, 0..1. The rest is
   * headroom for bursts, the media server and the OS. Env `SOTTO_CPU_TARGET`, default 0.7.
   */
  cpuTarget?: number;
  /** Hard cap on rooms per worker, whatever the CPU says. Env `SOTTO_MAX_JOBS`. Default 16. */
  maxJobs?: number;
  /**
   * What one session costs until measured, in cores (a conversation with the echo brain: ~0.1).
   * Default 0.12.
   */
  sessionCpuPrior?: number;
  /**
   * CPU seconds a session start burns (job process hand-over, pool refill, the room join), measured by
   * `npm run bench -- scale` (`cpu_s_per_session_start`, 0.59 on a 2-core VM). Env `SOTTO_START_CPU_S`.
   * Default 0.6. 0 turns the start reservation off.
   */
  startCpuSeconds?: number;
  /** Over how long a start burns it, in ms: a start is reserved for this long after it runs. Default 2000. */
  startWindowMs?: number;
}

/** Weight of the newest measurement in the per-session cost average. */
const EWMA = 0.3;
/** A measured per-session cost below this is noise (a window with only idle sessions). */
const MIN_SESSION_CPU = 0.03;

export class AdmissionCore {
  readonly cores: number;
  readonly cpuTarget: number;
  readonly maxJobs: number;
  /** Cores the tree used over the last sample window. */
  rate = 0;
  /** Cores the tree uses with no session (worker + idle processes). */
  baseRate = 0;
  /** Cores one session costs (moving average). */
  perSession: number;
  /** Cores a start burns while it is pending or within `startWindowMs` of running. */
  readonly startCores: number;
  readonly startWindowMs: number;
  /** Sessions that were running when `rate` was measured. */
  #jobsAtSample = 0;
  #last: { cpu: number; at: number } | null = null;
  /** When recent starts began running (ms, ascending). */
  readonly #started: number[] = [];

  constructor(opts: AdmissionOptions = {}) {
    this.cores = opts.cores ?? availableParallelism();
    this.cpuTarget = opts.cpuTarget ?? 0.7;
    this.maxJobs = opts.maxJobs ?? 16;
    this.perSession = opts.sessionCpuPrior ?? 0.12;
    this.startWindowMs = opts.startWindowMs ?? 2000;
    this.startCores = (opts.startCpuSeconds ?? 0.6) / (this.startWindowMs / 1000);
  }

  /** A start began running at `atMs`: its CPU stays reserved for `startWindowMs`. */
  started(atMs: number): void {
    this.#started.push(atMs);
  }

  /** Starts that ran within `startWindowMs` of `atMs`. */
  recentStarts(atMs: number): number {
    while (this.#started.length > 0 && atMs - (this.#started[0] ?? 0) >= this.startWindowMs) this.#started.shift();
    return this.#started.length;
  }

  get budget(): number {
    return this.cores * this.cpuTarget;
  }

  /** A new reading of the tree's CPU seconds at `atMs`, with `jobs` sessions running. */
  sample(cpuSeconds: number, atMs: number, jobs: number): void {
    const last = this.#last;
    this.#last = { cpu: cpuSeconds, at: atMs };
    if (!last || atMs - last.at < 200) return;
    const rate = Math.max(0, (cpuSeconds - last.cpu) / ((atMs - last.at) / 1000));
    this.rate = rate;
    // Only windows with a stable job count say what a session costs (starts and ends burn extra).
    if (jobs === 0 && this.#jobsAtSample === 0) {
      this.baseRate = this.baseRate === 0 ? rate : this.baseRate + EWMA * (rate - this.baseRate);
    } else if (jobs > 0 && jobs === this.#jobsAtSample) {
      const each = Math.max(MIN_SESSION_CPU, (rate - this.baseRate) / jobs);
      this.perSession += EWMA * (each - this.perSession);
    }
    this.#jobsAtSample = jobs;
  }

  /**
   * Cores the tree will use with `jobs` running and `pending` accepted but not yet running: the last
   * reading plus each session it has not seen (steady state). With `withStarts`, also the burst of every
   * start still under way (pending, or running for less than `startWindowMs` at `atMs`), so a burst of
   * rooms cannot all be admitted between two readings and then starve the live sessions while they start.
   */
  projected(jobs: number, pending: number, atMs = this.#last?.at ?? 0, withStarts = true): number {
    const unseen = Math.max(0, jobs + pending - this.#jobsAtSample);
    const starting = withStarts ? pending + this.recentStarts(atMs) : 0;
    return this.rate + unseen * this.perSession + starting * this.startCores;
  }

  /** What one more session would add now: its steady cost and its start. */
  get nextSession(): number {
    return this.perSession + this.startCores;
  }

  /**
   * Load for LiveKit, >= 1 = full: the steady CPU the tree would use with one more session over the
   * budget, or the share of job slots in use, whichever is higher. Starts under way are left out: they
   * pass in ~2 s, and a worker that reports itself full stops being offered rooms by LiveKit: counted
   * here, the load flapped over 1 during a burst and 5 of its 10 rooms waited 30 s with neither an agent
   * nor a notice (`npm run bench -- scale`). Requests are paced by {@link admit} instead.
   */
  load(jobs: number, pending: number, atMs?: number): number {
    const cpu = (this.projected(jobs, pending, atMs, false) + this.perSession) / this.budget;
    const slots = (jobs + pending) / this.maxJobs;
    return Math.round(Math.max(cpu, slots) * 1000) / 1000;
  }

  /** Whether one more session (and its start) fits now. */
  admit(jobs: number, pending: number, atMs?: number): boolean {
    return this.projected(jobs, pending, atMs) + this.nextSession <= this.budget && jobs + pending < this.maxJobs;
  }
}

/**
 * Asks `tryAdmit` until it says yes or `maxWaitMs` have passed (every `stepMs`): a room that arrives in a
 * burst waits for the starts before it to finish instead of being refused while the worker has room.
 * Resolves true when admitted.
 */
export async function admitWithin(
  tryAdmit: () => boolean,
  maxWaitMs: number,
  stepMs = 200,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  for (let waited = 0; ; waited += stepMs) {
    if (tryAdmit()) return true;
    if (waited + stepMs > maxWaitMs) return false;
    await sleep(stepMs);
  }
}

/** {@link AdmissionCore} fed from `/proc` accounting of this process's tree. */
export class CpuAdmission {
  readonly core: AdmissionCore;
  /** Accepted rooms whose job process has not started running them yet. */
  pending = 0;

  constructor(opts: AdmissionOptions = {}) {
    this.core = new AdmissionCore(opts);
  }

  /** Reads the tree's CPU now (called by the framework every 2.5 s through `loadFunc`). */
  sample(jobs: number): void {
    const usage = treeUsage(process.pid);
    if (usage) this.core.sample(usage.cpuSeconds, performance.now(), jobs);
  }

  load(jobs: number): number {
    this.sample(jobs);
    return this.core.load(jobs, this.pending, performance.now());
  }

  /** Decides one request; on yes, counts it as pending until `settled()`. */
  tryAdmit(jobs: number): boolean {
    if (!this.core.admit(jobs, this.pending, performance.now())) return false;
    this.pending++;
    return true;
  }

  /** An admitted request is running (`ran`: its start stays reserved a while) or was abandoned. */
  settled(ran = true): void {
    this.pending = Math.max(0, this.pending - 1);
    if (ran) this.core.started(performance.now());
  }
}
