/**
 * A fresh agent whose audio from the user's mic lags its announcement, as a slow subscription on a loaded
 * machine does (seen in the fresh-clone suite beside a CPU hog: the first turn was committed on 20 ms of
 * audio and answered "I have not heard anything yet."). Injected here: the agent drops the first 9 s of
 * the mic it reads (`SOTTO_TEST_DEAF_MS`). The heartbeat's pong says the agent does not hear the mic, so
 * the client sends each turn begun meanwhile whole from its capture ring: every turn is answered for
 * what was said ("You spoke for N seconds"), none as an empty buffer.
 */
import { expect, test } from '@playwright/test';
import { withRemoteSession } from './fault-session.ts';
import { waitForDemo } from './session-page.ts';

interface DeafWindow {
  sottoDemo: {
    errors: { code: string; message: string }[];
    transcripts: { role: string; text: string; final: boolean }[];
    events: { type: string; time: number }[];
  };
}

test('turns begun before the agent hears the mic are sent whole: answered for what was said', async () => {
  test.setTimeout(240_000);
  process.env.SOTTO_TEST_DEAF_MS = '9000';
  try {
    await withRemoteSession('deaf-agent', 'multiturn', async (_fs, page) => {
      await waitForDemo(page, "d.transcripts.filter((t) => t.role === 'assistant' && t.final).length >= 3", 120_000);
      const d = await page.evaluate(() => {
        const x = (window as unknown as DeafWindow).sottoDemo;
        return {
          said: x.transcripts.filter((t) => t.role === 'assistant' && t.final).map((t) => t.text),
          errors: x.errors,
          ends: x.events.filter((e) => e.type === 'turn_end').map((e) => e.time),
        };
      });
      console.log(`turn ends ${d.ends.map((t) => t.toFixed(2)).join(', ')}; agent said ${JSON.stringify(d.said)}`);
      console.log(`errors ${JSON.stringify(d.errors)}`);
      expect(d.errors.filter((e) => e.message.includes('commit_empty'))).toEqual([]);
      expect(d.said.filter((t) => !/You spoke for [\d.]+ seconds/.test(t))).toEqual([]);
    });
  } finally {
    delete process.env.SOTTO_TEST_DEAF_MS;
  }
});
