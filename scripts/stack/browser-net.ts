/**
 * Cuts a Chromium's network for real, for fault tests: `context.setOffline(true)` alone leaves an open
 * WebSocket and an established WebRTC transport on loopback working (see shared docs, "Going offline in a
 * test"). Chromium runs every socket — WebSocket, HTTP and WebRTC's UDP — in its network service
 * process; freezing that process (SIGSTOP) stops all of the browser's traffic while the page, its audio
 * and its timers keep running, which is what a dropped link looks like to the page. SIGCONT restores it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return -1;
  }
}

function descendants(root: number): number[] {
  if (!existsSync('/proc')) return [];
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const out: number[] = [];
  const want = new Set([root]);
  // Parents start before their children; a few passes settle the tree.
  for (let pass = 0; pass < 4; pass++) {
    for (const p of pids) {
      if (!want.has(p) && want.has(parentOf(p))) {
        want.add(p);
        out.push(p);
      }
    }
  }
  return out;
}

/** The pids of the network service processes of the Chromiums this process launched. */
export function chromiumNetworkPids(ancestor = process.pid): number[] {
  return descendants(ancestor).filter((p) => cmdline(p).includes('network.mojom.NetworkService'));
}

/** Freezes (or thaws) the network of the Chromiums this process launched; throws if it finds none. */
export function setBrowserNetworkFrozen(frozen: boolean, ancestor = process.pid): number[] {
  const pids = chromiumNetworkPids(ancestor);
  if (pids.length === 0)
    throw new Error('no Chromium network service process found (is the network service in-process?)');
  for (const p of pids) {
    try {
      process.kill(p, frozen ? 'SIGSTOP' : 'SIGCONT');
    } catch {
      /* gone */
    }
  }
  return pids;
}
