/**
 * CPU time of a process group from /proc (Linux): the agent worker runs in a group of its own
 * (scripts/stack/processes.ts), with its job and idle processes. A delta counts only processes alive at
 * both ends; the busiest one of them is the job that served the conversation.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds per pid of process group `pgid` (cumulative), or the delta since `since`. */
export interface GroupCpu {
  /** Seconds, all processes of the group. */
  totalS: number;
  /** Seconds of the busiest process. */
  maxS: number;
  perPid: Record<string, number>;
}

const TICKS = 100; // CLK_TCK on Linux

export function groupCpu(pgid: number, since?: GroupCpu): GroupCpu | null {
  const perPid: Record<string, number> = {};
  let found = false;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // After "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) !== pgid) continue;
      found = true;
      const s = (Number(f[11]) + Number(f[12])) / TICKS;
      const before = since ? since.perPid[d] : 0;
      if (before === undefined) continue; // started since: its start-up is not this conversation's
      perPid[d] = Math.round((s - before) * 100) / 100;
    } catch {
      // gone
    }
  }
  if (!found) return null;
  const xs = Object.values(perPid);
  return {
    totalS: Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100,
    maxS: xs.length ? Math.max(...xs) : 0,
    perPid,
  };
}
