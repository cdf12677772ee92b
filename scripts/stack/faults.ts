/**
 * Faults for tests and the chaos bench, on processes the stack started: find the job process that
 * serves a room, crash it, freeze a process group (SIGSTOP) and always thaw it (SIGCONT).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './ports.ts';

/**
 * The pid of the agent job process serving `room`, from the worker's log (`<runDir>/agent.log`: every job
 * log line carries its pid and room; the newest "realtime session started" wins). Waits up to `timeoutMs`.
 */
export async function findJobPid(runDir: string, room: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const file = join(runDir, 'agent.log');
  const needle = `"room":${JSON.stringify(room)}`;
  for (;;) {
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i] ?? '';
        if (!line.includes(needle) || !line.includes('realtime session started')) continue;
        const m = /"pid":(\d+)/.exec(line);
        const pid = m ? Number(m[1]) : NaN;
        if (Number.isInteger(pid) && alive(pid)) return pid;
      }
    }
    if (Date.now() > deadline) throw new StackError(`no live job process found for room ${room} in ${file}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs one process and waits (up to `timeoutMs`) until it is gone. */
export async function crash(pid: number, timeoutMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  // A zombie still answers kill(0) until its parent reaps it; the worker reaps its jobs at once.
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Freezes process group `pgid` (SIGSTOP) for `ms`, then thaws it (SIGCONT). The thaw also runs if this
 * process exits first, so a frozen server is never left behind.
 */
export async function freezeGroup(pgid: number, ms: number): Promise<void> {
  const thaw = (): void => {
    try {
      process.kill(-pgid, 'SIGCONT');
    } catch {
      /* gone */
    }
  };
  process.once('exit', thaw);
  try {
    process.kill(-pgid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    thaw();
    process.off('exit', thaw);
  }
}
