/**
 * A crashed agent job does not hang the conversation (issue 11): the job process serving the room is
 * SIGKILLed in the middle of a reply (`fallback: 'off'`). The session reports `agent_unresponsive` within
 * a bounded time and leaves `agent-speaking`/`thinking`; when the worker's new job joins the room, the
 * session hands it the conversation it holds (the earlier replies, as conversation items), and the turns
 * the user speaks after that (client endpointing) are heard and answered.
 */
import { expect, test, type Page } from '@playwright/test';
import { fixture, launchChromium } from './browser.ts';
import {
  eventMark,
  faultErrors,
  openAndConnect,
  killAgentJob,
  startFaultStack,
  waitForAnsweredTurns,
  type FaultStack,
} from './faults.ts';
import { snapshot, waitForDemo } from './session-page.ts';

interface CrashWindow {
  serverEvents: { type: string; item?: { role?: string; content?: { type: string; text?: string }[] } }[];
  sottoDemo: {
    session: { on(n: 'server_event', f: (e: unknown) => void): void; state: string } | null;
    handovers: { turns: number; items?: number; reason?: string }[];
    states: string[];
  };
}

test('the agent job crashes mid-reply: reported, never stuck, and the new job continues the conversation', async () => {
  test.setTimeout(300_000);
  const room = 'job-crash';
  const browser = await launchChromium({ wav: fixture('hello'), loop: true });
  let fs: FaultStack | null = null;
  let page: Page | null = null;
  try {
    fs = await startFaultStack('job-crash');
    page = await browser.newPage();
    await openAndConnect(page, `${fs.stack.demo.url}?room=${room}&fallback=off&silenceMs=500`);
    await waitForDemo(page, "d.session?.state === 'listening'", 120_000);
    await page.evaluate(() => {
      const w = window as unknown as CrashWindow;
      w.serverEvents = [];
      w.sottoDemo.session?.on('server_event', (e) => w.serverEvents.push(e as CrashWindow['serverEvents'][number]));
    });
    await waitForAnsweredTurns(page, 0, 1, 90_000);
    // The next reply starts playing: the job dies under it.
    const before = await eventMark(page);
    await waitForDemo(page, `d.events.slice(${String(before)}).some((e) => e.type === 'agent_audio_start')`, 60_000);
    const pid = await killAgentJob(fs.stack.runDir, room);
    const killedAt = performance.now();
    console.log(`killed job process ${String(pid)}`);

    // Noticed within a bounded time, and the state does not stay on the dead reply.
    await waitForDemo(page, "d.errors.some((e) => e.code === 'agent_unresponsive')", 20_000);
    await waitForDemo(page, "!['agent-speaking', 'thinking'].includes(d.session?.state)", 10_000);
    console.log(`reported after ${((performance.now() - killedAt) / 1000).toFixed(1)} s`);

    // A new job joins: it is handed the conversation, and answers the turns spoken after it.
    await waitForDemo(page, "d.handovers.some((h) => h.reason === 'new_agent')", 120_000);
    console.log(
      `new agent had the conversation ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
    );
    const mark = await eventMark(page);
    const seen = await waitForAnsweredTurns(page, mark, 2, 90_000);
    const s = await snapshot(page);
    const w = await page.evaluate(() => {
      const x = window as unknown as CrashWindow;
      return { serverEvents: x.serverEvents, handovers: x.sottoDemo.handovers };
    });
    const earlier = s.transcripts.filter((t) => t.role === 'assistant' && t.final).map((t) => t.text);
    const added = w.serverEvents
      .filter((e) => e.type === 'conversation.item.added' && e.item?.content?.[0]?.type === 'output_text')
      .map((e) => e.item?.content?.[0]?.text ?? '');
    console.log(`after the new job: ${JSON.stringify(seen)}; handovers ${JSON.stringify(w.handovers)}`);
    console.log(`the new job was told: ${JSON.stringify(added)}`);
    // The first reply (before the crash) is in the new job's conversation.
    expect(earlier.length).toBeGreaterThanOrEqual(1);
    expect(added).toContain(earlier[0]);
    expect(s.errors.filter((e) => e.code === 'agent_unresponsive').length).toBeGreaterThanOrEqual(1);
    expect(faultErrors(s.errors)).toEqual([]);
  } catch (e) {
    if (page)
      console.log(`page log (newest first):\n${((await page.locator('#log').textContent()) ?? '').slice(0, 8000)}`);
    throw e;
  } finally {
    await browser.close();
    await fs?.stop();
  }
});
