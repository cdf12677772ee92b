/**
 * How many warm job processes the worker has right now. The agents framework keeps them in its process
 * pool but exposes no count, and a room accepted when none is warm waits for a process start (the
 * framework starts them one at a time: seconds on a busy machine, up to its 30 s kill limit). Admission
 * uses this count to refuse such a room at once instead.
 *
 * The pool is reached by wrapping `ProcPool.prototype.start` (the framework file, imported by path: the
 * package exports only its index). Pinned to @livekit/agents 1.9; if the shape ever differs, `warm()`
 * returns null and admission goes by CPU alone.
 */
// The same file the framework imports, so the same class (bundled or from node_modules).
import { ProcPool } from '../node_modules/@livekit/agents/dist/ipc/proc_pool.js';

interface PoolShape {
  warmedProcQueue?: { items?: unknown[] };
}

const pools = new Set<PoolShape>();
let installed = false;

/** Starts watching pools (call before the AgentServer runs). */
export function watchWarmPool(): void {
  if (installed) return;
  installed = true;
  const proto = (ProcPool as unknown as { prototype: { start?: (this: PoolShape) => void } }).prototype;
  const start = proto.start;
  if (typeof start !== 'function') return;
  proto.start = function (this: PoolShape): void {
    pools.add(this);
    start.call(this);
  };
}

/** Warm, initialized job processes waiting for a room; null when unknown. */
export function warmProcesses(): number | null {
  let n: number | null = null;
  for (const p of pools) {
    const items = p.warmedProcQueue?.items;
    if (!Array.isArray(items)) return null;
    n = (n ?? 0) + items.length;
  }
  return n;
}
