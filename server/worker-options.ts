/**
 * The worker's capacity options, kept apart from main.ts: which job entry the job processes import,
 * the warm job-process pool, admission by measured CPU (load + refusing requests that would not fit),
 * the `agent_unavailable` notice for rooms no worker takes, and no end-of-turn inference process.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InferenceRunner, type AgentServer, type JobRequest } from '@livekit/agents';
import { admitWithin, CpuAdmission } from './admission.ts';
import type { AgentConfig } from './config.ts';
import { UnservedNotice } from './unserved-notice.ts';
import { warmProcesses, watchWarmPool } from './warm-pool.ts';

/** The framework's method name for LiveKit's audio end-of-turn model (`inference/eot/runner`). */
const EOT_METHOD = 'lk_eot_audio';

/**
 * Keeps the framework from starting its inference process (LiveKit's end-of-turn model, ~350 MB and a
 * model load per worker start) that Sotto never calls: the framework registers the runner only when none
 * is registered under its name, and starts the process only when `registeredRunners` has enumerable keys.
 */
export function skipUnusedInferenceProcess(): void {
  const runners = InferenceRunner.registeredRunners as Record<string, string>;
  if (Object.hasOwn(runners, EOT_METHOD)) return;
  Object.defineProperty(runners, EOT_METHOD, { value: 'unused-by-sotto', enumerable: false, configurable: true });
}

/**
 * The framework's event-loop monitor (a watchdog thread per process and a timer ticking ~40 times a
 * second; ~0.2 CPU-s to start a job process and ~2 % of its steady CPU) is off unless asked for: set
 * `LIVEKIT_AGENTS_LOOP_BLOCK_WARN_MS` (e.g. 100) to diagnose a blocked event loop. Job processes inherit it.
 */
export function loopMonitorOffByDefault(): void {
  process.env.LIVEKIT_AGENTS_LOOP_BLOCK_WARN_MS ??= '0';
}

/** The job entry next to this module: `agent.js` when running the build, `agent.ts` from sources. */
export function jobEntryPath(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./agent${ext}`, import.meta.url));
}

export interface Capacity {
  numIdleProcesses: number;
  initializeProcessTimeout: number;
  loadFunc: (worker: AgentServer) => Promise<number>;
  loadThreshold: number;
  requestFunc: (req: JobRequest) => Promise<void>;
  admission: CpuAdmission;
  notice: UnservedNotice;
  /** Gives the request path the worker's job count (call once the AgentServer exists). */
  attach(server: AgentServer): void;
}

export function capacityOptions(
  config: AgentConfig,
  log: (msg: string, extra?: Record<string, unknown>) => void,
): Capacity {
  const admission = new CpuAdmission({
    cores: availableParallelism(),
    cpuTarget: config.cpuTarget,
    maxJobs: config.maxJobs,
    startCpuSeconds: config.startCpuSeconds,
  });
  const notice = new UnservedNotice({
    url: config.livekitUrl,
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    log,
  });
  let full = false;
  let worker: AgentServer | null = null;
  watchWarmPool();
  return {
    admission,
    notice,
    attach: (s) => {
      worker = s;
    },
    numIdleProcesses: config.idleProcesses,
    // Starts are cheap now (~0.3-0.6 CPU-s), but a loaded machine stretches them: 30 s before the
    // framework kills a process that has not finished prewarming.
    initializeProcessTimeout: 30_000,
    loadFunc: (worker) => {
      const load = admission.load(worker.activeJobs.length);
      if (load >= 1 !== full) {
        full = load >= 1;
        const c = admission.core;
        log(full ? 'worker full: not taking rooms' : 'worker has room again', {
          load,
          cpuCores: Math.round(c.rate * 100) / 100,
          perSessionCores: Math.round(c.perSession * 1000) / 1000,
          jobs: worker.activeJobs.length,
        });
      }
      notice.setFull(full);
      return Promise.resolve(Math.min(load, 1));
    },
    loadThreshold: 1,
    requestFunc: async (req) => {
      // No warm job process left for it, and `startQueue` rooms already wait for one: it would wait
      // behind process starts (one at a time, seconds each on a busy machine) while they burn CPU the
      // live sessions need. Refuse it now instead.
      const warm = warmProcesses();
      const why =
        warm !== null && warm - admission.pending < 1 - config.startQueue
          ? 'no warm job process'
          : // The reservation of the starts before it ages out with time: no new reading is needed.
            !(await admitWithin(() => admission.tryAdmit(worker?.activeJobs.length ?? 0), config.admitWaitMs))
            ? `it would not fit within ${config.admitWaitMs} ms (CPU budget with the starts under way, or job cap)`
            : null;
      if (why) {
        log(`refused a room: ${why}`, { room: req.room?.name, warm, pending: admission.pending });
        await req.reject();
        if (req.room?.name) notice.refused(req.room.name);
        return;
      }
      let ran = false;
      try {
        await req.accept();
        ran = true;
      } finally {
        // accept() resolves once the job runs in a process (it is in activeJobs from then on); its start
        // stays reserved a while after that (admission.ts).
        admission.settled(ran);
      }
    },
  };
}
