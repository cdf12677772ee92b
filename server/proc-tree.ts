/**
 * CPU and memory of a process tree from Linux `/proc`: a process and all its descendants (the agent
 * worker, its job processes, their threads). Used by the worker's admission (its load is the CPU its
 * own tree burns, not the machine's) and by the capacity bench. Returns null where `/proc` is missing.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ on Linux: `/proc/<pid>/stat` counts CPU time in 1/100 s. */
const CLOCK_TICKS = 100;
const PAGE_BYTES = 4096;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** user + system CPU of the process (all its threads), seconds. */
  cpuSeconds: number;
  /** user + system CPU of its reaped children, seconds. */
  childrenCpuSeconds: number;
  rssBytes: number;
}

/** Parses one `/proc/<pid>/stat` line (pure). The command name may contain spaces and parentheses. */
export function parseStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // Fields after ") ": state(0) ppid(1) pgrp(2) ... utime(11) stime(12) cutime(13) cstime(14) ... rss(21)
  const f = text.slice(close + 2).split(' ');
  if (f.length < 22) return null;
  const n = (i: number): number => Number(f[i] ?? 0);
  return {
    pid,
    ppid: n(1),
    cpuSeconds: (n(11) + n(12)) / CLOCK_TICKS,
    childrenCpuSeconds: (n(13) + n(14)) / CLOCK_TICKS,
    rssBytes: n(21) * PAGE_BYTES,
  };
}

export interface TreeUsage {
  /**
   * CPU seconds of the tree so far: every live member plus the reaped children of each live member, so
   * a job process that exited does not take its CPU out of the total.
   */
  cpuSeconds: number;
  /** Resident memory of the live members, bytes (shared pages counted in each process). */
  rssBytes: number;
  /** Live members, the root first. */
  pids: number[];
}

/** Sums a tree (pure): `root` and every process whose parent chain reaches it. */
export function sumTree(root: number, stats: ProcStat[]): TreeUsage | null {
  const byParent = new Map<number, ProcStat[]>();
  let rootStat: ProcStat | undefined;
  for (const s of stats) {
    if (s.pid === root) rootStat = s;
    const list = byParent.get(s.ppid);
    if (list) list.push(s);
    else byParent.set(s.ppid, [s]);
  }
  if (!rootStat) return null;
  const usage: TreeUsage = { cpuSeconds: 0, rssBytes: 0, pids: [] };
  const queue = [rootStat];
  for (let s = queue.shift(); s; s = queue.shift()) {
    usage.cpuSeconds += s.cpuSeconds + s.childrenCpuSeconds;
    usage.rssBytes += s.rssBytes;
    usage.pids.push(s.pid);
    queue.push(...(byParent.get(s.pid) ?? []));
  }
  return usage;
}

/** Reads every process's stat (one pass over `/proc`). */
export function readAllStats(): ProcStat[] {
  const out: ProcStat[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const s = parseStat(Number(name), readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (s) out.push(s);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** CPU and memory of `root`'s tree now, or null (no `/proc`, or `root` is gone). */
export function treeUsage(root: number): TreeUsage | null {
  return sumTree(root, readAllStats());
}
