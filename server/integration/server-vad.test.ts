/** Server VAD (Silero from @livekit/agents-plugin-silero, OpenAI's server_vad defaults) over a real stack. */
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_VAD_DEFAULTS } from '../../src/protocol/index.ts';
import type { RtcClient } from '../testing/rtc-client.ts';
import { INTEGRATION, joinFreshRoom, say } from './helpers.ts';

const clients: RtcClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function vadClient(
  tag: string,
  extra: { create_response?: boolean; idle_timeout_ms?: number } = {},
): Promise<RtcClient> {
  const c = await joinFreshRoom(tag);
  clients.push(c);
  await c.send({
    type: 'session.update',
    session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', ...extra } } } },
  });
  const updated = await c.waitFor('session.updated');
  expect(updated.session.audio?.input?.turn_detection).toEqual({
    type: 'server_vad',
    ...SERVER_VAD_DEFAULTS,
    ...extra,
  });
  return c;
}

describe.skipIf(!INTEGRATION)('integration: server VAD', () => {
  it('speech_started / speech_stopped / committed, then an automatic response', async () => {
    const c = await vadClient('vad');
    await c.silence(600);
    const speech = say('Hello, I would like to know the weather today.');
    const speechMs = (speech.length / 48_000) * 1000;
    await c.speak(speech);
    await c.silence(900);
    const started = await c.waitFor('input_audio_buffer.speech_started', 1, 5000);
    const stopped = await c.waitFor('input_audio_buffer.speech_stopped', 1, 5000);
    expect(stopped.item_id).toBe(started.item_id);
    // The stop comes after the speech plus the 500 ms of silence the default asks for.
    const spanMs = stopped.audio_end_ms - started.audio_start_ms;
    expect(spanMs).toBeGreaterThan(speechMs + 300);
    expect(spanMs).toBeLessThan(speechMs + 300 + 500 + 400);
    const committed = await c.waitFor('input_audio_buffer.committed');
    expect(committed.item_id).toBe(started.item_id);
    const done = await c.waitFor('response.done', 1, 15_000);
    expect(done.response.status).toBe('completed');
    expect(done.response['sotto:timings']?.commit_to_first_audio_ms).toBeLessThan(1500); // a stall bound; speed is benched
    expect(c.of('error')).toEqual([]);
  });

  it('create_response false: commits only; user speech interrupts a reply in progress', async () => {
    const c = await vadClient('vad-int', { create_response: false });
    await c.speak(say('First question.'));
    await c.silence(800);
    await c.waitFor('input_audio_buffer.committed', 1, 5000);
    expect(c.of('response.created')).toHaveLength(0);
    await c.send({ type: 'response.create' });
    await c.waitFor('output_audio_buffer.started');
    await c.speak(say('Wait, stop please.'));
    const done = await c.waitFor('response.done', 1, 10_000);
    expect(done.response.status).toBe('cancelled');
    expect(done.response.status_details).toMatchObject({ reason: 'turn_detected' });
    expect(c.of('input_audio_buffer.speech_started').length).toBeGreaterThanOrEqual(2);
  });

  it('idle_timeout_ms: silence after a reply triggers a turn (timeout_triggered) and a response', async () => {
    const c = await vadClient('vad-idle', { idle_timeout_ms: 1500 });
    await c.speak(say('Hello.'));
    await c.silence(700);
    await c.waitFor('response.done', 1, 10_000);
    await c.silence(2300);
    const t = await c.waitFor('input_audio_buffer.timeout_triggered', 1, 5000);
    expect(t.audio_end_ms - t.audio_start_ms).toBeGreaterThanOrEqual(1500);
    const done = await c.waitFor('response.done', 2, 10_000);
    expect(done.response.status).toBe('completed');
  });
});
