/**
 * Faults against a real stack, for the e2e tests (and the chaos bench): a stack of the test's own on free
 * loopback ports (the faults kill its parts), the LiveKit server brought back on the same ports, the
 * participant removed through the server API, the agent's job process for a room SIGKILLed, and what the
 * demo page saw of the turns spoken after a fault.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { RoomServiceClient } from 'livekit-server-sdk';
import {
  freeTcpPort,
  freeUdpPort,
  startLivekit,
  startStack,
  type LivekitHandle,
  type Stack,
} from '../scripts/stack/index.ts';
import { root } from './browser.ts';

/** A stack a test may break, and how to bring its LiveKit server back. */
export interface FaultStack {
  stack: Stack;
  livekitPort: number;
  rtcPort: number;
  /** Starts the LiveKit server again on the same ports with the same keys (tokens stay valid). */
  reviveLivekit(): Promise<LivekitHandle>;
  /** Stops everything this helper started (also the revived server). */
  stop(): Promise<void>;
}

export async function startFaultStack(name: string): Promise<FaultStack> {
  const runDir = join(root, 'test-results', `${name}-${String(process.pid)}`);
  const livekitPort = await freeTcpPort();
  const rtcPort = await freeUdpPort();
  const stack = await startStack({ root, runDir, livekitPort, rtcPort, demoPort: await freeTcpPort(), watch: false });
  const revived: LivekitHandle[] = [];
  return {
    stack,
    livekitPort,
    rtcPort,
    async reviveLivekit() {
      const lk = await startLivekit({
        root,
        runDir,
        port: livekitPort,
        rtcPort,
        keys: { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret },
      });
      revived.push(lk);
      return lk;
    },
    async stop() {
      for (const lk of revived) await lk.stop().catch(() => undefined);
      await stack.stop();
    },
  };
}

/** The LiveKit server API of a stack (participants, rooms). */
export function roomService(stack: Stack): RoomServiceClient {
  return new RoomServiceClient(stack.livekit.url.replace(/^ws/, 'http'), stack.livekit.apiKey, stack.livekit.apiSecret);
}

/** Removes every non-agent participant of `room` (the user) through the server API; their identities. */
export async function removeUsers(stack: Stack, room: string): Promise<string[]> {
  const svc = roomService(stack);
  const users = (await svc.listParticipants(room)).filter((p) => (p.kind as number) !== 4 /* AGENT */);
  for (const p of users) await svc.removeParticipant(room, p.identity);
  return users.map((p) => p.identity);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The job processes the agent worker `workerPid` has forked (the one serving a room and the warm one). */
export function jobProcesses(workerPid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(workerPid)], { encoding: 'utf8' })
      .split('\n')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

/**
 * The pid of the job process serving `room`: the newest `realtime session started` line of the agent's log
 * for that room (`server/agent.ts` logs it with its pid), if that process is alive. Waits up to `timeoutMs`.
 */
export async function agentJobPid(runDir: string, room: string, timeoutMs = 30_000): Promise<number> {
  const log = join(runDir, 'agent.log');
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (existsSync(log)) {
      const lines = readFileSync(log, 'utf8').split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i] ?? '';
        if (!line.includes('realtime session started') || !line.includes(room)) continue;
        try {
          const rec = JSON.parse(line) as { pid?: number; room?: string };
          if (rec.room === room && rec.pid !== undefined && alive(rec.pid)) return rec.pid;
        } catch {
          /* a partial line */
        }
        break;
      }
    }
    if (performance.now() > until) throw new Error(`no live job process for room ${room} in ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGKILLs the job process serving `room` (a crash) and waits until it is gone; returns its pid. */
export async function killAgentJob(runDir: string, room: string): Promise<number> {
  const pid = await agentJobPid(runDir, room);
  process.kill(pid, 'SIGKILL');
  const until = performance.now() + 10_000;
  while (alive(pid) && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  return pid;
}

/** What the demo page saw of the turns spoken since event index `from`. */
export interface TurnsSince {
  speechStarts: number;
  turnEnds: number;
  /** Replies that became audible. */
  answered: number;
}

/** Counts the turns since event index `from` of `window.sottoDemo.events`. */
export async function turnsSince(page: Page, from: number): Promise<TurnsSince> {
  return page.evaluate((i) => {
    const d = (window as unknown as { sottoDemo: { events: { type: string }[] } }).sottoDemo;
    const ev = d.events.slice(i);
    const n = (t: string): number => ev.filter((e) => e.type === t).length;
    return { speechStarts: n('speech_start'), turnEnds: n('turn_end'), answered: n('agent_audio_start') };
  }, from);
}

/** The number of events the page has recorded (a mark to count from). */
export async function eventMark(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { sottoDemo: { events: unknown[] } }).sottoDemo.events.length);
}

/**
 * Waits until `n` turns spoken since `from` were detected (speech_start, turn_end) and answered audibly,
 * with the client's own endpointing. Throws with what was seen.
 */
export async function waitForAnsweredTurns(
  page: Page,
  from: number,
  n: number,
  timeoutMs: number,
): Promise<TurnsSince> {
  const until = performance.now() + timeoutMs;
  let seen = await turnsSince(page, from);
  while (!(seen.speechStarts >= n && seen.turnEnds >= n && seen.answered >= n)) {
    if (performance.now() > until) {
      throw new Error(`waited ${String(timeoutMs)} ms for ${String(n)} answered turns; saw ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
    seen = await turnsSince(page, from);
  }
  return seen;
}

/**
 * The errors a fault test should fail on: not the link's own troubles during the fault (`not_connected`,
 * `agent_unresponsive` for a turn no agent could take), and not the VAD's reports that it lost or caught
 * up audio on a starved machine (`vad_error`, recoverable; e2e/vad-recovery.e2e.ts tests those).
 */
export function faultErrors(
  errors: readonly { code: string; message: string }[],
  alsoExpected: readonly string[] = [],
): { code: string; message: string }[] {
  const expected = ['not_connected', 'agent_unresponsive', 'vad_error', ...alsoExpected];
  // A VAD starved by a loaded machine opens and drops turns in bursts (speech_start / misfire); the
  // cancels and truncations turn taking sends then can miss the server's reply (a turn-taking matter,
  // reported as server errors): not the fault under test.
  const turnTaking = ['response_cancel_not_active', 'audio_end_ms_out_of_range'];
  return errors.filter(
    (e) =>
      !expected.includes(e.code) && !(e.code === 'server_error' && turnTaking.some((t) => e.message.startsWith(t))),
  );
}

/**
 * Opens the demo at `url` and clicks Connect once the page's module has loaded (a fresh dev server on a
 * busy machine may take many seconds to serve it; a click before that does nothing).
 */
export async function openAndConnect(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => 'sottoDemo' in window, null, { timeout: 120_000 });
  await page.click('#connect');
}
