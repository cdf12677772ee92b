/**
 * One conversation through an OpenAI-protocol transport against Sotto's endpoint, in the demo page with a
 * fake mic playing `barge.wav` ("Hello there." / "Please tell me a story about the sea." / "Wait. Stop. I
 * have another question for you."): client endpointing ends the spoken turns, the replies are heard and
 * measured, the third sentence barges in on the second reply (cut at the heard sample, the item
 * truncated there), and a typed turn is answered.
 */
import { expect } from '@playwright/test';
import { connectDemo, openDemo, snapshot, unexpectedErrors, waitForDemo } from '../session-page.ts';

export async function transportConversation(kind: 'openai-ws' | 'openai-webrtc', endpoint: string): Promise<void> {
  const { browser, page, problems } = await openDemo('barge', { transport: kind, realtimeUrl: endpoint });
  try {
    await connectDemo(page);
    expect(await page.evaluate(() => (window as unknown as TransportWindow).sottoDemo.session?.transport.kind)).toBe(
      kind,
    );
    // A spoken turn answered and heard, with a voice-to-voice figure on the client's clock.
    await waitForDemo(page, 'd.metrics.length >= 1');
    const first = await snapshot(page);
    const m = first.metrics[0];
    console.log(`${kind} turn 1: ${JSON.stringify(m?.stages)}`);
    expect(m?.stages.voice_to_voice).toBeGreaterThan(0);
    expect(first.heardFrames).toBeGreaterThan(0);

    // Barge-in: the third sentence interrupts the second reply.
    await waitForDemo(
      page,
      "d.interruptions.some((i) => i.onsetTime > (d.events.filter((e) => e.type === 'agent_audio_start')[1]?.time ?? Infinity))",
      40_000,
    );
    const atCut = await snapshot(page);
    const cut = atCut.interruptions.at(-1);
    if (!cut) throw new Error('no interruption');
    const silentMs = (cut.silentTime - cut.onsetTime) * 1000;
    console.log(`${kind} barge-in: silent ${silentMs.toFixed(0)} ms after the onset; heard ${String(cut.playedMs)} ms`);
    expect(silentMs).toBeLessThan(600);
    expect(cut.playedMs).toBeGreaterThan(0);
    expect(cut.itemId).not.toBeNull();
    // The server truncated the item at the heard point (the WebSocket transport never names a point past
    // what it received and played).
    await waitForDemo(
      page,
      `window.serverEvents.some((e) => e.type === 'conversation.item.truncated' && e.item_id === '${cut.itemId ?? ''}')`,
      10_000,
    );
    await page.waitForTimeout(1000);
    const after = await snapshot(page);
    const truncated = after.serverEvents.find(
      (e) => e.type === 'conversation.item.truncated' && e.item_id === cut.itemId,
    ) as { audio_end_ms: number } | undefined;
    expect(truncated?.audio_end_ms).toBeLessThanOrEqual(cut.playedMs);
    expect(truncated?.audio_end_ms).toBeGreaterThan(cut.playedMs - 100);
    // Nothing of the cut reply was heard after the cut (unless the interrupting turn's answer started).
    const heardAfter = after.events.some((e) => e.type === 'agent_audio_start' && e.time > cut.silentTime);
    if (!heardAfter) expect(after.heardFrames - atCut.heardFrames).toBeLessThan(0.05 * atCut.sampleRate);

    // A typed turn: read back by the echo brain, and heard.
    await waitForDemo(page, "d.session.state === 'listening'", 20_000);
    const starts = after.events.filter((e) => e.type === 'agent_audio_start').length;
    await page.evaluate(() => (window as unknown as TransportWindow).sottoDemo.session?.sendText('good morning'));
    await waitForDemo(
      page,
      "d.transcripts.some((t) => t.role === 'assistant' && t.final && t.text === 'You wrote: good morning')",
    );
    await waitForDemo(page, `d.events.filter((e) => e.type === 'agent_audio_start').length > ${String(starts)}`);

    const end = await snapshot(page);
    const spoken = end.transcripts.filter(
      (t) => t.role === 'assistant' && t.final && t.text.startsWith('You spoke for'),
    );
    expect(spoken.length).toBeGreaterThanOrEqual(2);
    expect(unexpectedErrors(end.errors)).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
}

interface TransportWindow {
  sottoDemo: { session: { transport: { kind: string }; sendText(text: string): Promise<void> } | null };
}
