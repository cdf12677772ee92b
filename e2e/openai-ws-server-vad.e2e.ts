/**
 * The WebSocket transport with the server's VAD (`endpointing: 'server'`) against Sotto's `/v1/realtime`:
 * the server ends the spoken turns and answers them; when it hears the user over a reply, the audio it
 * already sent (a WebSocket server sends faster than real time) stops playing here and the item is
 * truncated at what was played, as OpenAI's WebSocket clients do.
 */
import { expect, test } from '@playwright/test';
import type { RealtimeHandle } from '../scripts/stack/realtime.ts';
import { connectDemo, openDemo, snapshot, unexpectedErrors, waitForDemo } from './session-page.ts';
import { startEndpoint } from './support/realtime-endpoint.ts';

let endpoint: RealtimeHandle | null = null;

test.beforeAll(async () => {
  endpoint = await startEndpoint('openai-ws-server-vad');
});

test.afterAll(async () => {
  await endpoint?.stop();
});

test('WebSocket transport, server VAD: turns answered, a reply talked over stops and is truncated', async () => {
  if (!endpoint) throw new Error('no endpoint');
  const { browser, page, problems } = await openDemo('barge', {
    transport: 'openai-ws',
    realtimeUrl: endpoint.url,
    endpointing: 'server',
  });
  try {
    await connectDemo(page);
    await waitForDemo(page, "window.serverEvents.some((e) => e.type === 'conversation.item.truncated')", 40_000);
    const atCut = await snapshot(page);
    const truncated = atCut.serverEvents.find((e) => e.type === 'conversation.item.truncated') as
      { item_id: string; audio_end_ms: number } | undefined;
    console.log(`server VAD barge-in: truncated at ${String(truncated?.audio_end_ms)} ms`);
    expect(truncated?.audio_end_ms).toBeGreaterThan(0);
    // The truncated reply was heard before the cut, and nothing more of it after.
    expect(atCut.events.filter((e) => e.type === 'agent_audio_start').length).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(1000);
    const after = await snapshot(page);
    const newReply = after.events.filter((e) => e.type === 'agent_audio_start').length;
    if (newReply === atCut.events.filter((e) => e.type === 'agent_audio_start').length) {
      expect(after.heardFrames - atCut.heardFrames).toBeLessThan(0.15 * atCut.sampleRate);
    }
    const spoken = after.transcripts.filter((t) => t.role === 'assistant' && t.text.startsWith('You spoke for'));
    expect(spoken.length).toBeGreaterThanOrEqual(1);
    expect(unexpectedErrors(after.errors)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
});
