/**
 * CPU time per thread of a Chromium instance, from /proc (Linux): the page's main thread, its audio
 * thread, its workers, and the rest, so the cold-start bench can put a CPU budget on the page. Thread names
 * are Chromium's (`CrRendererMain`, `AudioWorklet`/`Chrome_AudioOu…`, `DedicatedWorker…`), cut to 15 chars.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second (`getconf CLK_TCK`; 100 on Linux). */
const TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Processes whose command line contains `marker` (e.g. the fake-mic file only this run's Chromium uses). */
export function pidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(marker)) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU ms per thread name (summed over threads of the same name) of `root` and all its descendants. */
export function threadCpu(root: number): Map<string, number> {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    const pid = Number(d);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // gone
    }
  }
  const pids: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop();
    if (p === undefined) break;
    pids.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  const out = new Map<string, number>();
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${String(pid)}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const stat = readFileSync(`/proc/${String(pid)}/task/${t}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ms = ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
        out.set(name, (out.get(name) ?? 0) + ms);
      } catch {
        // gone
      }
    }
  }
  return out;
}

/** Thread groups of the budget, by Chromium's thread names. */
export function budgetGroup(name: string): 'main' | 'audio' | 'worker' | 'other' {
  // Chromium's main threads keep the process name: `chromium` is the browser's, the GPU process's and the
  // renderer's main thread together (the renderer's is `CrRendererMain` on some builds).
  if (name === 'CrRendererMain' || name === 'chromium' || name === 'chrome') return 'main';
  if (/audio/i.test(name)) return 'audio';
  if (/worker/i.test(name)) return 'worker';
  return 'other';
}

/** CPU ms per second of wall time between two snapshots, per group and for the top threads. */
export function cpuBudget(
  before: Map<string, number>,
  after: Map<string, number>,
  seconds: number,
): { per_second_ms: Record<string, number>; top_threads_ms_per_s: Record<string, number> } {
  const groups: Record<string, number> = { main: 0, audio: 0, worker: 0, other: 0 };
  const threads: [string, number][] = [];
  for (const [name, ms] of after) {
    const d = (ms - (before.get(name) ?? 0)) / seconds;
    const g = budgetGroup(name);
    groups[g] = (groups[g] ?? 0) + d;
    threads.push([name, d]);
  }
  threads.sort((a, b) => b[1] - a[1]);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return {
    per_second_ms: Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, r(v)])),
    top_threads_ms_per_s: Object.fromEntries(threads.slice(0, 8).map(([k, v]) => [k, r(v)])),
  };
}
