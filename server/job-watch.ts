/**
 * Notices, inside the worker, that a job process is gone: the agent framework drops a job from
 * `AgentServer.activeJobs` when its process exits, whether it ended its session or crashed (SIGKILL,
 * out of memory). The framework does not re-dispatch a crashed job and LiveKit keeps the dead agent's
 * participant in the room for a while, so without this the room waits for the periodic reconciler or
 * for that participant to time out (~30 s). Polling an in-memory list every 250 ms costs nothing.
 */

/** A running job as the watch sees it. */
export interface JobView {
  id: string;
  room: string;
  /** The agent participant's identity in the room. */
  identity: string;
}

/** Pure: the jobs in `before` that are not in `now` (by id). */
export function vanishedJobs(before: ReadonlyMap<string, JobView>, now: readonly JobView[]): JobView[] {
  const ids = new Set(now.map((j) => j.id));
  return [...before.values()].filter((j) => !ids.has(j.id));
}

export class JobWatch {
  readonly #list: () => JobView[];
  readonly #onGone: (job: JobView) => void;
  readonly #intervalMs: number;
  #known = new Map<string, JobView>();
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param list the worker's running jobs now
   * @param onGone called once for every job that disappeared
   * @param intervalMs how often to look, ms. Default 250.
   */
  constructor(list: () => JobView[], onGone: (job: JobView) => void, intervalMs = 250) {
    this.#list = list;
    this.#onGone = onGone;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.check();
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** Stop before the worker closes: jobs it ends on purpose must not be re-dispatched. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One look (also for tests). */
  check(): void {
    const now = this.#list();
    const gone = vanishedJobs(this.#known, now);
    this.#known = new Map(now.map((j) => [j.id, j]));
    for (const j of gone) this.#onGone(j);
  }

  /** Rooms with a job of this worker now (starting or running): not orphans. */
  rooms(): Set<string> {
    return new Set(this.#list().map((j) => j.room));
  }
}
