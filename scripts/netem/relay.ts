/**
 * Node side of the network-impairment relay (scripts/netem/relay.py): makes a network namespace whose
 * 127.0.0.1 reaches the real servers in the root namespace through a relay that adds loss, delay and
 * jitter, a Chromium launcher for that namespace, and a UDP probe that proves the impairment.
 *
 * Needs root (network namespaces), `ip` and python3 (no extra packages). The relay and the probe run at
 * the lowest real-time priority where allowed: they stand in for a network, which a busy CPU does not slow. {@link netemUnavailable} says
 * why not where it cannot run. Bounded: the relay stops by itself after `maxSeconds`, when this process
 * dies, or on {@link Netem.stop}; the namespace goes with it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Condition, Impairment } from './conditions.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PREFIX = 'sotto-nm-';

export interface NetemOptions {
  /** TCP ports of servers on 127.0.0.1 to expose inside the namespace (demo page, LiveKit signal). */
  tcpPorts: number[];
  /** UDP ports likewise (LiveKit's RTC port). */
  udpPorts: number[];
  /** The relay stops by itself after this long (s). */
  maxSeconds: number;
  /** Initial condition. Default: none (a clean relay). */
  condition?: Condition;
  /** Seed of the loss and jitter draws. Default 1. */
  seed?: number;
  /**
   * TCP under loss: a chunk hit by the loss rate arrives one retransmission timeout late (max(200 ms,
   * 2 RTT)) and holds up the stream behind it, as TCP recovers a lost segment. Default false: TCP sees
   * delay and jitter only.
   */
  tcpLoss?: boolean;
}

export interface LatenessSummary {
  n: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  over_5ms: number;
}

export interface RelayStats {
  counts: Record<string, number>;
  /** How late the relay's timers delivered packets relative to their due times. */
  lateness: LatenessSummary;
}

export interface ProbeResult {
  sent: number;
  received: number;
  duplicates: number;
  loss: number;
  rtt_ms: { min: number | null; p50: number | null; p95: number | null; max: number | null; mean: number | null };
}

export interface Netem {
  /** The namespace's name (`ip netns exec <ns> ...`). */
  ns: string;
  /** The relay's scheduling: `SCHED_FIFO 1` (real-time, so a busy CPU does not delay it), else a nice level. */
  sched: string;
  /** A script that runs Chromium inside the namespace (Playwright's `executablePath`). */
  chromiumWrapper(chromiumPath: string): string;
  set(c: Condition): Promise<void>;
  /** Counters and timer lateness since the last reset. */
  stats(reset?: boolean): Promise<RelayStats>;
  /** UDP round trips from inside the namespace through the relay to an echo server in the root namespace. */
  probe(opts?: { count?: number; intervalMs?: number }): Promise<ProbeResult>;
  /** Stops the relay and removes the namespace; resolves with the relay's final stats (null if it died). */
  stop(): Promise<RelayStats | null>;
}

/** Why the relay cannot run here, or null when it can. */
export function netemUnavailable(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root: making a network namespace needs root (CI runs as root)';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return 'the `ip` command (iproute2) is missing';
  if (spawnSync('python3', ['-c', 'import asyncio, ctypes'], { stdio: 'ignore' }).status !== 0)
    return 'python3 is missing';
  return null;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes namespaces left by relays whose owner process is gone (e.g. both were SIGKILLed). */
function sweepStale(): void {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of r.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const owner = Number(/^sotto-nm-(\d+)-/.exec(name)?.[1]);
    if (name.startsWith(PREFIX) && Number.isInteger(owner) && !alive(owner)) {
      spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    }
  }
}

let counter = 0;

const toWire = (i: Impairment): Record<string, number> => ({
  delayMs: i.delayMs ?? 0,
  jitterMs: i.jitterMs ?? 0,
  loss: i.loss ?? 0,
});

export async function startNetem(opts: NetemOptions): Promise<Netem> {
  const why = netemUnavailable();
  if (why) throw new Error(`the network-impairment relay cannot run: ${why}`);
  sweepStale();
  const ns = `${PREFIX}${String(process.pid)}-${String(counter++)}`;
  const args = [join(here, 'relay.py'), '--ns', ns, '--max-seconds', String(opts.maxSeconds)];
  args.push('--parent-pid', String(process.pid), '--seed', String(opts.seed ?? 1));
  if (opts.tcpLoss) args.push('--tcp-loss');
  for (const p of opts.tcpPorts) args.push('--tcp', String(p));
  for (const p of opts.udpPorts) args.push('--udp', String(p));
  if (opts.condition)
    args.push('--condition', JSON.stringify({ up: toWire(opts.condition.up), down: toWire(opts.condition.down) }));
  const child: ChildProcessWithoutNullStreams = spawn('python3', args, { stdio: 'pipe' });
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const waiting = new Map<number, (msg: Record<string, unknown>) => void>();
  let ready: ((m: Record<string, unknown>) => void) | null = null;
  let stopped: Record<string, unknown> | null = null;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.event === 'ready' || msg.event === 'error') ready?.(msg);
    if (msg.event === 'stopped') stopped = msg;
    const id = typeof msg.id === 'number' ? msg.id : -1;
    waiting.get(id)?.(msg);
    waiting.delete(id);
  });
  const onExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  const wrapperDir = mkdtempSync(join(tmpdir(), 'sotto-netns-'));
  const cleanup = (): void => {
    process.off('exit', onExit);
    rmSync(wrapperDir, { recursive: true, force: true });
    // The relay removes the namespace itself; this covers a relay that could not (killed hard).
    if (spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.includes(ns))
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  };

  const first: Record<string, unknown> = await Promise.race([
    new Promise<Record<string, unknown>>((resolve) => (ready = resolve)),
    exited.then((code) => ({ event: 'error', message: `relay exited (${String(code)})` })),
    new Promise<Record<string, unknown>>((resolve) =>
      setTimeout(() => {
        resolve({ event: 'error', message: 'relay not ready within 20 s' });
      }, 20_000).unref(),
    ),
  ]);
  if (first.event !== 'ready' || typeof first.echo_port !== 'number') {
    child.kill('SIGTERM');
    await exited;
    cleanup();
    throw new Error(`relay failed: ${String(first.message)} ${stderr.join('').trim()}`);
  }

  const echoPort = first.echo_port;
  let nextId = 1;
  const call = (cmd: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`the relay has exited: ${stderr.join('').trim()}`));
        return;
      }
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ ...cmd, id })}\n`);
      void exited.then(() => {
        if (waiting.delete(id)) reject(new Error(`the relay exited: ${stderr.join('').trim()}`));
      });
    });
  };

  return {
    ns,
    sched: String(first.sched),
    chromiumWrapper(chromiumPath) {
      const path = join(wrapperDir, 'chromium');
      writeFileSync(path, `#!/bin/sh\nexec ip netns exec '${ns}' '${chromiumPath}' "$@"\n`);
      chmodSync(path, 0o755);
      return path;
    },
    async set(c) {
      await call({ cmd: 'set', up: toWire(c.up), down: toWire(c.down) });
    },
    async stats(reset = false) {
      const r = await call({ cmd: 'stats', reset });
      return { counts: r.counts as Record<string, number>, lateness: r.lateness as LatenessSummary };
    },
    async probe(p = {}) {
      const count = p.count ?? 500;
      const intervalMs = p.intervalMs ?? 5;
      const probeArgs = ['netns', 'exec', ns, 'python3', join(here, 'probe.py'), '--port', String(echoPort)];
      probeArgs.push('--count', String(count), '--interval-ms', String(intervalMs));
      const out = await new Promise<string>((resolve, reject) => {
        const c = spawn('ip', probeArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
        let so = '';
        let se = '';
        c.stdout.on('data', (d: Buffer) => (so += d.toString()));
        c.stderr.on('data', (d: Buffer) => (se += d.toString()));
        const timer = setTimeout(() => c.kill('SIGKILL'), count * intervalMs + 30_000);
        c.once('exit', (code) => {
          clearTimeout(timer);
          if (code === 0) resolve(so);
          else reject(new Error(`probe failed (${String(code)}): ${se.trim()}`));
        });
      });
      return JSON.parse(out) as ProbeResult;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.write(`${JSON.stringify({ cmd: 'stop' })}\n`);
        const t = setTimeout(() => child.kill('SIGTERM'), 5_000);
        const k = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
        clearTimeout(k);
      }
      cleanup();
      const s = stopped;
      return s ? { counts: s.counts as Record<string, number>, lateness: s.lateness as LatenessSummary } : null;
    },
  };
}
