/** Opens the demo page with a fake-mic fixture and reads back what the session reported. */
import type { Browser, Page } from '@playwright/test';
import { demoUrl, fixture, launchChromium } from './browser.ts';

/** What `window.sottoDemo` holds (the parts the tests read). */
export interface DemoSnapshot {
  states: string[];
  errors: { code: string; message: string }[];
  events: { type: string; time: number; interrupted?: boolean }[];
  turns: { responseId?: string; status?: string }[];
  metrics: { turnId: string; marks: Record<string, number>; stages: Record<string, number> }[];
  interruptions: {
    responseId: string;
    itemId: string | null;
    onsetTime: number;
    silentTime: number;
    playedMs: number;
  }[];
  transcripts: { role: string; itemId: string; text: string; final: boolean }[];
  serverEvents: { type: string; [k: string]: unknown }[];
  heardFrames: number;
  sampleRate: number;
  now: number;
  state: string;
}

interface DemoWindow {
  sottoDemo: {
    session: {
      state: string;
      audioContext: AudioContext;
      agentAudio(): { heardFrames: number } | null;
      on(name: 'server_event', f: (e: { type: string }) => void): void;
    } | null;
    states: string[];
    errors: { code: string; message: string }[];
    events: { type: string; time: number; interrupted?: boolean }[];
    turns: { responseId?: string; status?: string }[];
    metrics: DemoSnapshot['metrics'];
    interruptions: DemoSnapshot['interruptions'];
    transcripts: DemoSnapshot['transcripts'];
  };
  serverEvents?: DemoSnapshot['serverEvents'];
}

export interface DemoRun {
  browser: Browser;
  page: Page;
  /** Page console errors and uncaught exceptions. */
  problems: string[];
}

/** Launches Chromium with `fixtureName` on the fake mic and opens the demo with `params`. */
export async function openDemo(fixtureName: string, params: Record<string, string> = {}): Promise<DemoRun> {
  const browser = await launchChromium({ wav: fixture(fixtureName) });
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  const u = new URL(demoUrl());
  // The remote path unless a test asks for the fallback: loading the on-device engine costs seconds of CPU.
  // 500 ms of silence ends a turn (not the SDK's 200): the fixtures' sentences have pauses, and these tests
  // are about one turn each (the latency lab runs the defaults).
  for (const [k, v] of Object.entries({ fallback: 'off', silenceMs: '500', ...params })) u.searchParams.set(k, v);
  await page.goto(u.toString());
  return { browser, page, problems };
}

/** Clicks Connect and waits for the session to be ready (`listening`); records every server event from then on. */
export async function connectDemo(page: Page): Promise<void> {
  await page.click('#connect');
  await page.waitForFunction(
    () => (window as unknown as Partial<DemoWindow>).sottoDemo?.states.includes('listening'),
    null,
    // Ready = the link up and the VAD loaded, warm and live (src/session/readiness.ts): seconds of CPU for
    // the model's runtime on a busy 2-core machine. The fixture's speech meanwhile waits in the capture ring.
    { timeout: 60_000 },
  );
  await page.evaluate(() => {
    const w = window as unknown as DemoWindow;
    const list: { type: string }[] = [];
    w.serverEvents = list;
    w.sottoDemo.session?.on('server_event', (e) => list.push(e));
  });
}

/** Waits until the expression `pred` over `d` (the page's `window.sottoDemo`) holds. */
export async function waitForDemo(page: Page, pred: string, timeout = 30_000): Promise<void> {
  // A string expression is evaluated in the page; `d` is window.sottoDemo.
  try {
    await page.waitForFunction(`(() => { const d = window.sottoDemo; return Boolean(d && (${pred})); })()`, null, {
      timeout,
    });
  } catch (e) {
    // Say what the page saw: its event log, newest first.
    const log = await page
      .evaluate(() => {
        const d = (window as unknown as { sottoDemo?: { logText?: () => string } }).sottoDemo;
        return d?.logText ? d.logText() : '';
      })
      .catch(() => '');
    throw new Error(`waiting for ${pred}: ${String(e)}\npage log (newest first):\n${log.slice(0, 6000)}`, {
      cause: e,
    });
  }
}

export async function snapshot(page: Page): Promise<DemoSnapshot> {
  return page.evaluate(() => {
    const w = window as unknown as DemoWindow;
    const d = w.sottoDemo;
    const s = d.session;
    return {
      states: d.states,
      errors: d.errors,
      events: d.events,
      turns: d.turns,
      metrics: d.metrics,
      interruptions: d.interruptions,
      transcripts: d.transcripts,
      serverEvents: w.serverEvents ?? [],
      heardFrames: s?.agentAudio()?.heardFrames ?? 0,
      sampleRate: s?.audioContext.sampleRate ?? 48_000,
      now: s?.audioContext.currentTime ?? 0,
      state: s?.state ?? 'none',
    };
  });
}

/** The event types in order (for sequence assertions). */
export function eventTypes(s: DemoSnapshot): string[] {
  return s.events.map((e) => e.type);
}

/**
 * The session's error events a test of another subject should fail on. A VAD that falls more than
 * `maxLagMs` behind and catches up reports it (`vad_error`, recoverable): on a busy 2-core machine that
 * happens when the agent starts its next job process; e2e/vad-recovery.e2e.ts tests that report itself.
 */
export function unexpectedErrors(
  errors: readonly { code: string; message: string }[],
): { code: string; message: string }[] {
  return errors.filter((e) => !(e.code === 'vad_error' && e.message.includes('behind the newest audio')));
}
