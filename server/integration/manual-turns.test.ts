/** Manual turns (turn_detection null) over a real livekit-server and agent worker, echo brain. */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/index.ts';
import type { RtcClient } from '../testing/rtc-client.ts';
import { INTEGRATION, joinFreshRoom, joinRoom, say } from './helpers.ts';

const clients: RtcClient[] = [];
async function join(tag: string): Promise<RtcClient> {
  const c = await joinFreshRoom(tag);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe.skipIf(!INTEGRATION)('integration: manual turns', () => {
  it('session.created carries the protocol version; session.update answers session.updated', async () => {
    const c = await join('session');
    const created = c.of('session.created')[0];
    expect(created?.session['sotto:protocol_version']).toBe(PROTOCOL_VERSION);
    expect(created?.session['sotto:extensions']).toContain('sotto.turn');
    await c.send({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'be brief', audio: { input: { turn_detection: null } } },
    });
    const updated = await c.waitFor('session.updated');
    expect(updated.session).toMatchObject({ instructions: 'be brief', audio: { input: { turn_detection: null } } });
  });

  it('commit + response.create: the agent says how long the turn was, audibly, with transcript and timings', async () => {
    const c = await join('turn');
    await c.speak(say('Hello there, this is a test.'));
    const sentAt = performance.now();
    await c.send({ type: 'input_audio_buffer.commit' });
    await c.send({ type: 'response.create' });
    const committed = await c.waitFor('input_audio_buffer.committed');
    const done = await c.waitFor('response.done', 1, 15_000);
    expect(done.response.status).toBe('completed');
    const audioMs = committed['sotto:audio_ms'] ?? 0;
    expect(audioMs).toBeGreaterThan(1000);
    const transcript = c.of('response.output_audio_transcript.done')[0]?.transcript;
    expect(transcript).toBe(`You spoke for ${(audioMs / 1000).toFixed(1)} seconds.`);
    expect(c.of('output_audio_buffer.started')).toHaveLength(1);
    expect(c.of('output_audio_buffer.stopped')).toHaveLength(1);
    const timings = done.response['sotto:timings'];
    expect(timings?.commit_to_first_audio_ms).toBeGreaterThanOrEqual(0);
    // Bounds that catch a stall, not a speed target (that is `npm run bench -- server`, on a busy 2-core CI too).
    expect(timings?.commit_to_first_audio_ms).toBeLessThan(1500);
    expect(timings?.audio_ms).toBeGreaterThan(1500);
    // The reply was heard on the agent's track, soon after the commit.
    const firstHeard = c.audibleAt.find((t) => t > sentAt);
    expect(firstHeard).toBeDefined();
    expect((firstHeard ?? 0) - sentAt).toBeLessThan(3000);
    const kinds = c.events.map((e) => e.type);
    expect(kinds.indexOf('conversation.item.added')).toBeLessThan(kinds.indexOf('response.created'));
    expect(c.badEvents).toEqual([]);
  });

  it('response.cancel stops the audio at once; truncate is checked against what was sent', async () => {
    const c = await join('cancel');
    await c.speak(say('Please answer me at length.'));
    await c.send({ type: 'input_audio_buffer.commit' });
    await c.send({ type: 'response.create' });
    await c.waitFor('output_audio_buffer.started');
    await c.until(() => c.audibleAt.length > 20, 5000, 'audible reply');
    const cancelAt = performance.now();
    await c.send({ type: 'response.cancel' });
    const done = await c.waitFor('response.done');
    expect(done.response.status).toBe('cancelled');
    expect(c.of('output_audio_buffer.cleared')).toHaveLength(1);
    // Nothing audible arrives more than the network + jitter buffer delay (plus a busy machine's lateness)
    // after the cancel; a reply that went on would still be audible 1.5 s later.
    await new Promise((r) => setTimeout(r, 1500));
    const lastHeard = c.audibleAt.at(-1) ?? 0;
    expect(lastHeard - cancelAt).toBeLessThan(1000);
    const sentMs = done.response['sotto:timings']?.audio_ms ?? 0;
    expect(sentMs).toBeGreaterThan(0);
    expect(sentMs).toBeLessThan(2000);
    const itemId = done.response.output?.[0]?.id ?? '';
    await c.send({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: sentMs + 5000,
    });
    const err = await c.waitFor('error');
    expect(err.error).toMatchObject({ code: 'audio_end_ms_out_of_range', param: 'audio_end_ms' });
    await c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 100 });
    const truncated = await c.waitFor('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: itemId, audio_end_ms: 100 });
  });

  it('input_audio_buffer.clear empties the buffer; output_audio_buffer.clear cuts a reply', async () => {
    const c = await join('clear');
    await c.silence(300);
    await c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared');
    await c.send({ type: 'input_audio_buffer.commit', event_id: 'c-empty' });
    const err = await c.waitFor('error');
    expect(err.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'c-empty' });
    await c.speak(say('One more time.'));
    await c.send({ type: 'input_audio_buffer.commit' });
    await c.send({ type: 'response.create' });
    await c.waitFor('output_audio_buffer.started');
    await c.send({ type: 'output_audio_buffer.clear' });
    const done = await c.waitFor('response.done');
    expect(done.response.status_details).toMatchObject({ 'sotto:reason': 'output_cleared' });
    expect(c.of('output_audio_buffer.cleared')).toHaveLength(1);
  });

  it('conversation items: text in, spoken answer out; retrieve, delete, and errors for unknown items', async () => {
    const c = await join('items');
    await c.send({
      type: 'conversation.item.create',
      item: { id: 'u-1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello agent' }] },
    });
    const added = await c.waitFor('conversation.item.added');
    expect(added.item.id).toBe('u-1');
    await c.waitFor('conversation.item.done');
    await c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done', 1, 15_000);
    expect(done.response.status).toBe('completed');
    expect(c.of('response.output_audio_transcript.done')[0]?.transcript).toBe('You wrote: hello agent');
    await c.send({ type: 'conversation.item.retrieve', item_id: 'u-1' });
    expect((await c.waitFor('conversation.item.retrieved')).item.id).toBe('u-1');
    await c.send({ type: 'conversation.item.delete', item_id: 'u-1' });
    expect((await c.waitFor('conversation.item.deleted')).item_id).toBe('u-1');
    await c.send({ type: 'conversation.item.retrieve', item_id: 'u-1' });
    expect((await c.waitFor('error')).error.code).toBe('item_not_found');
  });

  it('input_audio_buffer.append adds 24 kHz PCM from the data channel to the turn', async () => {
    const c = await join('append');
    const pcm = Int16Array.from({ length: 2400 }, (_, i) => Math.round(6000 * Math.sin(i / 6))); // 100 ms
    const audio = Buffer.from(pcm.buffer).toString('base64');
    for (let i = 0; i < 3; i++) await c.send({ type: 'input_audio_buffer.append', audio });
    await c.send({ type: 'input_audio_buffer.append', audio: '!!not base64', event_id: 'bad-append' });
    await c.send({ type: 'input_audio_buffer.commit' });
    const committed = await c.waitFor('input_audio_buffer.committed');
    expect(committed['sotto:audio_ms']).toBeGreaterThanOrEqual(300);
    expect((await c.waitFor('error')).error).toMatchObject({ code: 'invalid_event', event_id: 'bad-append' });
  });

  it('sotto.turn.ending / resumed hints are accepted silently and the turn still ends with commit', async () => {
    const c = await join('spec');
    await c.speak(say('Almost done.'));
    await c.send({ type: 'sotto.turn.ending', 'sotto:silence_ms': 120 });
    await c.send({ type: 'sotto.turn.resumed' });
    await c.send({ type: 'sotto.turn.ending', 'sotto:silence_ms': 200 });
    await c.send({ type: 'input_audio_buffer.commit' });
    await c.send({ type: 'response.create' });
    const done = await c.waitFor('response.done', 1, 15_000);
    expect(done.response.status).toBe('completed');
    expect(c.of('error')).toEqual([]);
  });

  it('a user who leaves and rejoins within the grace period finds the same session and conversation', async () => {
    const first = await join('rejoin');
    const room = first.room.name ?? '';
    const sessionId = first.of('session.created')[0]?.session.id;
    await first.send({
      type: 'conversation.item.create',
      item: { id: 'keep-me', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'remember' }] },
    });
    await first.waitFor('conversation.item.added');
    await first.close();
    const again = await joinRoom(room);
    clients.push(again);
    expect(again.of('session.created')[0]?.session.id).toBe(sessionId);
    await again.send({ type: 'conversation.item.retrieve', item_id: 'keep-me' });
    expect((await again.waitFor('conversation.item.retrieved')).item.id).toBe('keep-me');
  });
});
