/**
 * One client, any agent (issue 14). Sotto's client with its defaults, in Chromium with a fake mic:
 *
 * - against a stock LiveKit Agents agent (a Node `@livekit/agents` voice `AgentSession` with Silero VAD
 *   and tiny fake STT/LLM/TTS, `e2e/support/stock-agent/`, on a LiveKit server of its own): it finds out
 *   the agent's protocol, shows the agent's state, both transcripts, cuts a reply locally when the user
 *   talks over it, measures voice-to-voice on its own clock, and typed text reaches the agent on `lk.chat`;
 * - against Sotto's agent (the run's stack): still the Realtime protocol (`agentProtocol: 'sotto'`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { demoUrl, fixture, launchChromium, root } from './browser.ts';
import { composeWav } from './support/compose-wav.ts';
import { pageProblems } from './support/page-problems.ts';
import { startStockStack, type StockStack } from './support/stock-agent/stack.ts';

interface Interop {
  states: string[];
  transcripts: { role: string; itemId: string; text: string; final: boolean }[];
  responses: { id: string; status: string }[];
  interruptions: number;
  v2vMs: number[];
  errors: string[];
  agentAudioStarts: number;
  agentProtocol: string | null;
}

const read = (page: Page): Promise<Interop> =>
  page.evaluate(() => {
    const r = (window as unknown as { sottoInterop: Interop & { session: unknown } }).sottoInterop;
    return { ...r, session: undefined } as Interop;
  });

/**
 * Errors a run may show: a stock agent answers on its own schedule (its endpointing waits longer than
 * Sotto's 5 s reply timeout may allow for the first turn); a VAD that falls behind on a busy machine catches
 * up by itself.
 */
const expectedError = (e: string): boolean =>
  e.startsWith('agent_unresponsive') || (e.startsWith('vad_error') && e.includes('catching up'));

async function waitFor(page: Page, pred: string, timeout: number): Promise<void> {
  try {
    await page.waitForFunction(`(() => { const d = window.sottoInterop; return Boolean(d && (${pred})); })()`, null, {
      timeout,
    });
  } catch (e) {
    throw new Error(`waiting for ${pred}: ${String(e)}\nsaw: ${JSON.stringify(await read(page)).slice(0, 4000)}`, {
      cause: e,
    });
  }
}

async function openInterop(page: Page, url: string, token: string): Promise<void> {
  const u = new URL(demoUrl('interop/'));
  u.searchParams.set('url', url);
  u.searchParams.set('token', token);
  u.searchParams.set('silenceMs', '500');
  await page.goto(u.toString());
  await page.waitForFunction(() => 'sottoInterop' in window, null, { timeout: 120_000 });
  await page.click('#connect');
}

test.describe('Sotto client with a stock LiveKit Agents agent', () => {
  let stack: StockStack | null = null;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    stack = await startStockStack(root, 'stock-agent-e2e');
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test('state, both transcripts, barge-in, v2v, typed text', async () => {
    test.setTimeout(150_000);
    if (!stack) throw new Error('no stack');
    // "Hello there." at 1 s; "Please tell me a story about the sea." at 12 s; "Wait. Stop. I have another
    // question for you." 2.5 s after it, over the stock agent's (4 s) reply to it.
    const wav = join(stack.runDir, 'stock-turns.wav');
    composeWav(
      fixture('barge'),
      [
        { from: 0, to: 2.5 },
        { silence: 9.5 },
        { from: 8.15, to: 10.85 },
        { silence: 2.5 },
        { from: 12.35, to: 16.3 },
        { silence: 15 },
      ],
      wav,
    );
    const browser = await launchChromium({ wav });
    try {
      const page = await browser.newPage();
      const problems = pageProblems(page);
      await openInterop(page, stack.livekit.url, await stack.token(`stock-${String(Date.now())}`, 'sotto-user'));

      await waitFor(page, "d.agentProtocol === 'livekit-agents' && d.states.includes('listening')", 60_000);
      // The agent's state drives the session's: a reply is thought about, then spoken.
      await waitFor(page, "d.states.includes('thinking') && d.states.includes('agent-speaking')", 60_000);
      // Both transcripts, from lk.transcription: the (fake) STT's and the agent's reply.
      await waitFor(
        page,
        "d.transcripts.some((t) => t.role === 'user' && t.final && t.text.startsWith('I spoke for')) && " +
          "d.transcripts.some((t) => t.role === 'assistant' && t.text.startsWith('You said: I spoke for'))",
        30_000,
      );
      // The third sentence talks over the reply to the second: the client cuts it locally.
      await waitFor(page, 'd.interruptions >= 1', 60_000);
      await waitFor(page, 'd.v2vMs.length >= 1', 30_000);
      // The agent has answered the third sentence: a stock agent busy with a spoken turn (thinking about it
      // or answering it) may drop a chat message meanwhile (seen once in CI: "good morning" typed while the
      // agent thought about the third sentence, never answered), so the user types after its reply.
      // The agent decides how many replies that takes (it may answer the interrupted and the interrupting
      // sentence in one), so the wait is for two complete answers and no reply in progress.
      await waitFor(
        page,
        "d.transcripts.filter((t) => t.role === 'assistant' && t.final && /^You said: I spoke for [0-9.]+ seconds[.]$/.test(t.text)).length >= 2 && " +
          "d.agentEvents.length > 0 && d.agentEvents[d.agentEvents.length - 1][0] === 'response.done'",
        60_000,
      );

      // Typed text goes to the agent on lk.chat and is answered.
      await page.evaluate(() =>
        (
          window as unknown as { sottoInterop: { session: { sendText(t: string): Promise<void> } } }
        ).sottoInterop.session.sendText('good morning'),
      );
      await waitFor(
        page,
        "d.transcripts.some((t) => t.role === 'assistant' && t.text.includes('good morning'))",
        30_000,
      );

      const r = await read(page);
      console.log(
        `stock agent: states ${r.states.join(' > ')}; v2v ms ${r.v2vMs.map((v) => v.toFixed(0)).join(', ')}; ` +
          `${String(r.interruptions)} interruption(s); replies ${r.responses.map((x) => x.status).join(', ')}`,
      );
      expect(r.states).not.toContain('closed');
      expect(r.v2vMs.every((v) => v > 0 && v < 10_000)).toBe(true);
      expect(r.agentAudioStarts).toBeGreaterThanOrEqual(1);
      expect(r.errors.filter((e) => !expectedError(e))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test("an agent that opted in (acceptSottoTurns, turnDetection 'manual') ends turns when Sotto's client says so", async () => {
    test.setTimeout(120_000);
    if (!stack) throw new Error('no stack');
    // "Hello there." at 9 s; "Please tell me a story about the sea." at 18 s. The lead gives the agent time to
    // join and subscribe first: speech it never heard cannot be a turn of its own. (In CI beside a CPU hog
    // the agent was ready 2.6 s after the page connected, after a first sentence at 1 s: Sotto held that
    // turn and ended it once the agent came, and the agent, which had heard nothing, answered "You said: .")
    const wav = join(stack.runDir, 'stock-sotto-turns.wav');
    composeWav(
      fixture('barge'),
      [{ silence: 8 }, { from: 0, to: 2.5 }, { silence: 7.5 }, { from: 8.15, to: 10.85 }, { silence: 15 }],
      wav,
    );
    const browser = await launchChromium({ wav });
    try {
      const page = await browser.newPage();
      const problems = pageProblems(page);
      // The stock agent opts in for rooms named so (e2e/support/stock-agent/agent.ts).
      const room = `stock-sotto-turns-${String(Date.now())}`;
      await openInterop(page, stack.livekit.url, await stack.token(room, 'sotto-user'));
      await waitFor(page, "d.agentProtocol === 'livekit-agents' && d.states.includes('listening')", 60_000);
      // With manual turn detection the agent ends no turn by itself: each answer is to a turn end the client
      // sent it over RPC. What an answer repeats is the framework's business: commitUserTurn() waits only so
      // long for the STT's final transcript (in CI beside a CPU hog the first answer was "You said: ." and
      // the second carried both sentences), so the answers are counted and the user's words must be in one.
      await waitFor(
        page,
        "d.transcripts.filter((t) => t.role === 'assistant' && t.final && /^You said:/.test(t.text)).length >= 2 && " +
          "d.transcripts.some((t) => t.role === 'assistant' && t.final && /^You said: I spoke for [0-9.]+ seconds/.test(t.text))",
        60_000,
      );
      const log = readFileSync(join(stack.runDir, 'stock-agent.log'), 'utf8');
      const calls = log.split('\n').filter((l) => l.includes('sotto.end_of_turn from sotto-user')).length;
      const r = await read(page);
      console.log(
        `stock agent with Sotto's turns: ${String(calls)} turn end(s) by RPC; v2v ms ${r.v2vMs.map((v) => v.toFixed(0)).join(', ')}`,
      );
      expect(calls).toBeGreaterThanOrEqual(2);
      expect(r.v2vMs.length).toBeGreaterThanOrEqual(1);
      expect(r.v2vMs.every((v) => v > 0 && v < 10_000)).toBe(true);
      expect(r.errors.filter((e) => !expectedError(e))).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

test('Sotto client with Sotto agent: still the Realtime protocol, answered; events of any size', async () => {
  test.setTimeout(120_000);
  const browser = await launchChromium({ wav: fixture('hello') });
  try {
    const page = await browser.newPage();
    // The run's stack: its token endpoint gives a URL and a token for a fresh room with Sotto's agent.
    const r = await page.request.get(demoUrl('api/token'));
    const { url, token } = (await r.json()) as { url: string; token: string };
    await openInterop(page, url, token);
    await waitFor(page, "d.agentProtocol === 'sotto' && d.states.includes('listening')", 60_000);
    await waitFor(page, "d.responses.some((x) => x.status === 'completed') && d.v2vMs.length >= 1", 60_000);
    // An event over one data packet, both ways: 40 KB of instructions up, the session.updated with them down.
    await page.evaluate(() =>
      (
        window as unknown as {
          sottoInterop: { session: { updateSession(s: { instructions: string }): Promise<void> } };
        }
      ).sottoInterop.session.updateSession({ instructions: 'x'.repeat(40_000) }),
    );
    await waitFor(page, 'd.sessionUpdatedInstructions.includes(40000)', 30_000);
    const seen = await read(page);
    expect(seen.transcripts.some((t) => t.role === 'assistant' && t.text.startsWith('You spoke for'))).toBe(true);
    expect(seen.errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
