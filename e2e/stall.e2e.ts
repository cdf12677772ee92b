/**
 * A stalled link, remote only (`fallback: 'off'`, issue 11): the browser's network frozen, or the LiveKit
 * server frozen (SIGSTOP), while the user keeps talking (a looping multi-turn recording, the client's
 * own endpointing). Turns that end while the link is down are held, not sent into it; once the link is
 * back they are asked of the same agent (their audio re-sent from the capture ring) when nothing else is
 * in progress, and a request that waited in the stalled link is left to its late answer instead of being
 * asked over it. So: no commit goes out while the link is known down, no `server_error` at all (no empty
 * commit, no second `response.create` over an active reply), the held turn is answered with its audio,
 * and the turns after are heard and answered.
 */
import { expect, test, type Page } from '@playwright/test';
import { setBrowserNetworkFrozen } from '../scripts/stack/browser-net.ts';
import { freezeGroup } from '../scripts/stack/faults.ts';
import { withRemoteSession } from './fault-session.ts';
import { eventMark, faultErrors, waitForAnsweredTurns } from './faults.ts';
import { waitForDemo } from './session-page.ts';

interface Sent {
  t: number;
  type: string;
  /** The link's health when it was sent. */
  health: string;
}

interface StallWindow {
  sent: Sent[];
  got: string[];
  sottoDemo: {
    session: {
      audioContext: AudioContext;
      remoteTransport: { send(e: { type: string }): Promise<void>; health: { level: string } };
      on(n: string, f: (e: unknown) => void): void;
    } | null;
    errors: { code: string; message: string }[];
    transcripts: { role: string; text: string; final: boolean }[];
    events: { type: string; time: number }[];
  };
}

/** Records every client event the listening session sends, and waits for one answered turn. */
async function recordAndTalk(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as StallWindow;
    const s = w.sottoDemo.session;
    if (!s) return;
    w.sent = [];
    const t = s.remoteTransport;
    const send = t.send.bind(t);
    t.send = (e) => {
      if (e.type !== 'input_audio_buffer.append')
        w.sent.push({ t: s.audioContext.currentTime, type: e.type, health: t.health.level });
      return send(e);
    };
    // What the agent answered (diagnostics).
    w.got = [];
    s.on('server_event', (e) => {
      const x = e as { type: string; response?: { id: string; status: string } };
      if (x.type.startsWith('response.') && x.response)
        w.got.push(
          `${x.type}:${x.response.id.slice(-4)}:${x.response.status}@${s.audioContext.currentTime.toFixed(2)}`,
        );
      else if (!x.type.includes('delta') && !x.type.startsWith('response.'))
        w.got.push(`${x.type}@${s.audioContext.currentTime.toFixed(2)}`);
    });
    for (const n of ['agent_audio_start', 'agent_audio_end', 'speech_start', 'turn_end'] as const)
      s.on(n, () => w.got.push(`${n}@${s.audioContext.currentTime.toFixed(2)}`));
  });
  await waitForAnsweredTurns(page, 0, 1, 120_000);
}

const now = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as StallWindow).sottoDemo.session?.audioContext.currentTime ?? 0);

/** Waits until the user is mid-turn: the last turn event is a speech_start. */
async function midTurn(page: Page): Promise<void> {
  await waitForDemo(
    page,
    "(() => { const t = d.events.filter((e) => e.type === 'speech_start' || e.type === 'turn_end'); " +
      "return t.length > 0 && t[t.length - 1].type === 'speech_start'; })()",
    60_000,
  );
}

/**
 * After the stall (`from`..`to`, page clock): every commit was sent on a link not known down; a turn ended
 * while it was down and was asked after (`input_audio_buffer.clear` then a commit) and answered with audio
 * ("You spoke for N seconds", N >= 1); two more turns answered; no server error.
 */
async function expectHeldTurnAsked(page: Page, from: number, to: number, label: string): Promise<void> {
  const mark = await eventMark(page);
  await waitForAnsweredTurns(page, mark, 2, 90_000);
  const d = await page.evaluate(() => {
    const w = window as unknown as StallWindow;
    return {
      got: w.got,
      sent: w.sent,
      errors: w.sottoDemo.errors,
      events: w.sottoDemo.events,
      said: w.sottoDemo.transcripts.filter((t) => t.role === 'assistant' && t.final).map((t) => t.text),
    };
  });
  const ends = d.events.filter((e) => e.type === 'turn_end' && e.time > from && e.time < to);
  console.log(`${label}: turns ended during the stall at ${ends.map((e) => e.time.toFixed(2)).join(', ')}`);
  console.log(`${label}: sent ${d.sent.map((s) => `${s.type}@${s.t.toFixed(2)}(${s.health})`).join(' ')}`);
  console.log(`${label}: agent said ${JSON.stringify(d.said.slice(-6))}`);
  console.log(`${label}: errors ${JSON.stringify(d.errors)}`);
  console.log(`${label}: got ${d.got.join(' ')}`);
  expect(ends.length).toBeGreaterThanOrEqual(1);
  // Nothing asked of a link known to be down.
  expect(
    d.sent.filter((s) => s.health === 'down' && ['input_audio_buffer.commit', 'response.create'].includes(s.type)),
  ).toEqual([]);
  // The held turn: its audio again after the stall, then its commit.
  const clear = d.sent.find((s) => s.t > to && s.type === 'input_audio_buffer.clear');
  expect(clear).toBeDefined();
  expect(d.sent.some((s) => s.t >= (clear?.t ?? Infinity) && s.type === 'input_audio_buffer.commit')).toBe(true);
  // Every reply states what it heard: none of an empty buffer, and one heard the held turns with the turn
  // after them (more than one sentence of the recording, ~1-2 s each).
  const seconds = d.said
    .map((t) => /You spoke for ([\d.]+) seconds/.exec(t)?.[1])
    .filter((x) => x !== undefined)
    .map(Number);
  expect(seconds.length).toBeGreaterThanOrEqual(2);
  expect(Math.min(...seconds)).toBeGreaterThan(0);
  expect(Math.max(...seconds)).toBeGreaterThanOrEqual(3);
  // No server error at all: no empty commit, no response.create over an active reply.
  expect(d.errors.filter((e) => e.code === 'server_error')).toEqual([]);
  expect(faultErrors(d.errors)).toEqual([]);
}

test("the browser's network stalls mid-turn: turns spoken meanwhile are held, then asked; no server error", async () => {
  test.setTimeout(300_000);
  await withRemoteSession('stall-browser', 'multiturn', async (_fs, page) => {
    await recordAndTalk(page);
    await midTurn(page);
    const from = await now(page);
    await page.context().setOffline(true);
    setBrowserNetworkFrozen(true);
    try {
      await new Promise((r) => setTimeout(r, 14_000));
    } finally {
      setBrowserNetworkFrozen(false);
      await page.context().setOffline(false);
    }
    await expectHeldTurnAsked(page, from, await now(page), 'browser stalled');
  });
});

test('the LiveKit server freezes mid-turn: no request is asked over its late answers; turns go on after', async () => {
  test.setTimeout(300_000);
  await withRemoteSession('stall-server', 'multiturn', async (fs, page) => {
    await recordAndTalk(page);
    await midTurn(page);
    const from = await now(page);
    // Long enough for the heartbeat to call the link down (5 s) and a turn to end after that.
    await freezeGroup(fs.stack.livekit.pid, 16_000);
    await expectHeldTurnAsked(page, from, await now(page), 'server frozen');
  });
});
