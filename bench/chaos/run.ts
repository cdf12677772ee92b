/**
 * One chaos run: a fresh page (its own browser context and room) on the demo with `fallback=<mode>` and
 * the client's endpointing, a simulated user on the mic who says a sentence, waits for the answer and asks
 * again when none comes (user.ts); one answered turn before the fault, the fault struck mid-turn (or
 * mid-reply), then `afterS` seconds of turns after recovery.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { applyFault, TRIGGER, type FaultName } from './faults.ts';
import { scoreRun, type RunScore, type TimedEvent } from './score.ts';
import type { ChaosStack } from './stack.ts';
import { installUserMic, startUser, type UserRun } from './user.ts';

export type Mode = 'auto' | 'off';

/** Error codes a fault is expected to cause: the link's own troubles, and a starved VAD catching up. */
const EXPECTED_ERRORS = new Set([
  'not_connected',
  'server_unreachable',
  'connect_timeout',
  'vad_error',
  'agent_unresponsive',
]);

export interface RunResult extends RunScore {
  fault: FaultName;
  mode: Mode;
  /** False when the run could not get to the fault (no answered turn before it): scored as nothing answered. */
  started: boolean;
  samplesLost: number;
  unexpectedErrors: string[];
  modes: string[];
  /** The simulated user: sentences said, and why (see user-policy.ts). */
  user?: { said: number; why: Record<string, number> };
  note?: string;
}

interface PageDemo {
  events: TimedEvent[];
  errors: { code: string; message: string }[];
  localTurnAudio: { lostSamples: number }[];
  modes: { mode: string; reason: string }[];
  states: string[];
  session: { audioContext: AudioContext } | null;
}

async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const d = (window as unknown as { sottoDemo: { session: { audioContext: AudioContext } | null } }).sottoDemo;
    return d.session?.audioContext.currentTime ?? 0;
  });
}

async function waitEvent(page: Page, type: string, after: number, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForFunction(
      ([t, a]) => {
        const d = (window as unknown as { sottoDemo: { events: { type: string; time: number }[] } }).sottoDemo;
        return d.events.some((e) => e.type === t && e.time > a);
      },
      [type, after] as const,
      { timeout: timeoutMs, polling: 50 },
    );
    return true;
  } catch {
    return false;
  }
}

/** Waits until the user is mid-turn (the last turn event is a speech_start) after `after`. */
async function waitMidTurn(page: Page, after: number, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForFunction(
      (a) => {
        const d = (window as unknown as { sottoDemo: { events: { type: string; time: number }[] } }).sottoDemo;
        const turnEvents = d.events.filter((e) => e.type === 'speech_start' || e.type === 'turn_end');
        const last = turnEvents.at(-1);
        return last?.type === 'speech_start' && last.time > a;
      },
      after,
      { timeout: timeoutMs, polling: 20 },
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * CHAOS_TRACE=<dir>: the page records every client event the session sends and every server event it
 * takes (type, ids, page time), written with the demo's log to `<dir>/<room>.json` (diagnosis only).
 */
async function installTrace(page: Page): Promise<void> {
  // A string, not a function: tsx's name helpers do not exist in the page.
  await page.evaluate(`(() => {
    const s = window.sottoDemo.session;
    if (!s) return;
    const trace = [];
    window.sottoTrace = trace;
    const now = () => Math.round(s.audioContext.currentTime * 1000) / 1000;
    const t = s.remoteTransport;
    if (t) {
      const send = t.send.bind(t);
      t.send = (e) => {
        if (e.type !== 'input_audio_buffer.append') trace.push({ t: now(), dir: 'out', type: e.type, id: e.response_id });
        return send(e);
      };
    }
    s.on('server_event', (x) => {
      if (x.type.endsWith('.delta')) return;
      trace.push({ t: now(), dir: 'in', type: x.type, id: x.response?.id, status: x.response?.status, code: x.error?.code });
    });
    for (const n of ['state', 'mode', 'error', 'speech_start', 'turn_end', 'agent_audio_start', 'agent_audio_end', 'handover']) {
      s.on(n, (e) => {
        trace.push({ t: now(), ev: n, v: typeof e === 'string' ? e : (e.code ?? e.mode ?? e.turnId), msg: e.message ?? e.reason });
      });
    }
  })()`);
}

async function writeTrace(
  page: Page,
  dir: string,
  room: string,
  times: { fault: number; recovered: number },
): Promise<void> {
  const d = await page.evaluate(() => {
    const w = window as unknown as { sottoTrace?: unknown[]; sottoDemo: { logText(): string } };
    return { trace: w.sottoTrace ?? [], log: w.sottoDemo.logText() };
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${room}.json`), JSON.stringify({ times, ...d }, null, 1));
}

export async function runOnce(
  browser: Browser,
  stack: ChaosStack,
  fault: FaultName,
  mode: Mode,
  afterS: number,
  sentences: readonly Int16Array[],
): Promise<RunResult> {
  await stack.ensureAgent();
  const room = `chaos-${fault.replaceAll('_', '-')}-${mode}-${randomBytes(3).toString('hex')}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  let user: UserRun | null = null;
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  const empty = (note: string): RunResult => ({
    fault,
    mode,
    started: false,
    afterTurns: 0,
    afterAnswered: 0,
    recoverToAnswerMs: null,
    recoverToTurnEndMs: null,
    turnEndToAnswerMs: null,
    recoverToFirstReplyMs: null,
    turnsLost: 0,
    samplesLost: 0,
    unexpectedErrors: [],
    modes: [],
    note,
  });
  try {
    const u = new URL(stack.demoUrl);
    for (const [k, v] of Object.entries({ fallback: mode, silenceMs: '500', room })) u.searchParams.set(k, v);
    await installUserMic(page);
    await page.goto(u.toString());
    await page.waitForFunction(() => 'sottoDemo' in window, null, { timeout: 120_000 });
    await page.click('#connect');
    await page.waitForFunction(
      () => (window as unknown as { sottoDemo: { states: string[] } }).sottoDemo.states.includes('listening'),
      null,
      { timeout: 180_000 },
    );
    if (process.env.CHAOS_TRACE) await installTrace(page);
    user = await startUser(page, sentences);
    // Before the fault: one turn answered.
    if (!(await waitEvent(page, 'agent_audio_start', 0, 90_000))) return empty('no answered turn before the fault');
    const mark = await pageNow(page);
    const ready =
      TRIGGER[fault] === 'reply'
        ? await waitEvent(page, 'agent_audio_start', mark, 60_000)
        : await waitMidTurn(page, mark, 60_000);
    if (!ready) return empty(`no ${TRIGGER[fault]} to strike during`);
    const times = await applyFault(fault, { stack, context, room, now: () => pageNow(page) });
    // Turns after recovery, then read back what the page saw.
    await page.waitForFunction(
      (until) =>
        ((window as unknown as { sottoDemo: PageDemo }).sottoDemo.session?.audioContext.currentTime ?? 0) >= until,
      times.recovered + afterS,
      { timeout: (afterS + 120) * 1000, polling: 250 },
    );
    const d = await page.evaluate(() => {
      const x = (window as unknown as { sottoDemo: PageDemo }).sottoDemo;
      return {
        events: x.events,
        errors: x.errors,
        lost: x.localTurnAudio.reduce((n, a) => n + a.lostSamples, 0),
        modes: x.modes.map((m) => `${m.mode}(${m.reason})`),
        now: x.session?.audioContext.currentTime ?? 0,
      };
    });
    const said = await user.stop();
    user = null;
    if (process.env.CHAOS_TRACE) await writeTrace(page, process.env.CHAOS_TRACE, room, times);
    const score = scoreRun(d.events, { fault: times.fault, recovered: times.recovered, end: d.now, graceS: 5 });
    const unexpected = [
      ...d.errors.filter((e) => !EXPECTED_ERRORS.has(e.code)).map((e) => `${e.code}: ${e.message.slice(0, 120)}`),
      ...pageErrors,
    ];
    return {
      fault,
      mode,
      started: true,
      ...score,
      samplesLost: d.lost,
      unexpectedErrors: unexpected,
      modes: d.modes,
      user: said,
    };
  } catch (e) {
    const states = await page
      .evaluate(() => (window as unknown as { sottoDemo: { states: string[] } }).sottoDemo.states.join('>'))
      .catch(() => '?');
    const why = `${String(e).slice(0, 160)} (states ${states.slice(-200)})`;
    return {
      ...empty(`run failed: ${why}`),
      unexpectedErrors: [why, ...pageErrors],
    };
  } finally {
    await user?.stop().catch(() => undefined);
    await context.close().catch(() => undefined);
  }
}
