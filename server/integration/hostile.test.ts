/**
 * A hostile client floods its session with 1,000 malformed events while a well-behaved client in
 * another room, on the same worker, has a normal turn. The worker keeps serving both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RtcClient } from '../testing/rtc-client.ts';
import { INTEGRATION, joinFreshRoom, say } from './helpers.ts';

const clients: RtcClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const enc = new TextEncoder();
const HOSTILE: Uint8Array[] = [
  enc.encode('{not json'),
  new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
  enc.encode('[]'),
  enc.encode(JSON.stringify({ type: 'session.delete_everything' })),
  enc.encode(JSON.stringify({ type: '__proto__', __proto__: { polluted: true } })),
  enc.encode(
    JSON.stringify({ type: 'conversation.item.truncate', item_id: 'x', content_index: -1, audio_end_ms: 'all' }),
  ),
  enc.encode(JSON.stringify({ type: 'response.create', pad: 'x'.repeat(14_000) })),
  enc.encode(`{"type":"session.update","session":${'['.repeat(5000)}${']'.repeat(5000)}}`),
  enc.encode(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'not base64 !!!' })),
  enc.encode(JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'root', content: 1 } })),
];

describe.skipIf(!INTEGRATION)('integration: hostile input', () => {
  it('1,000 malformed events: errors with codes, rate limited, the worker keeps serving a concurrent session', async () => {
    const [bad, good] = await Promise.all([joinFreshRoom('hostile'), joinFreshRoom('good')]);
    clients.push(bad, good);

    const goodTurn = (async () => {
      await good.speak(say('I am a well behaved user.'));
      await good.send({ type: 'input_audio_buffer.commit' });
      await good.send({ type: 'response.create' });
      return good.waitFor('response.done', 1, 20_000);
    })();
    const flood = (async () => {
      for (let i = 0; i < 1000; i++) await bad.sendRaw(HOSTILE[i % HOSTILE.length] ?? new Uint8Array());
    })();
    const [done] = await Promise.all([goodTurn, flood]);

    expect(done.response.status).toBe('completed');
    expect(done.response['sotto:timings']?.commit_to_first_audio_ms).toBeLessThan(1500); // a stall bound; speed is benched
    expect(good.of('error')).toEqual([]);

    await bad.until(() => bad.of('error').some((e) => e.error.code === 'rate_limited'), 10_000, 'rate_limited');
    const codes = new Set(bad.of('error').map((e) => e.error.code));
    for (const code of ['invalid_json', 'invalid_event', 'unknown_event', 'rate_limited'])
      expect(codes).toContain(code);
    // Replies are bounded by the token bucket, not one per hostile event.
    expect(bad.of('error').length).toBeLessThan(400);
    expect(bad.badEvents).toEqual([]);

    // Once the flood stops and the bucket refills, the hostile client's own session still works.
    await new Promise((r) => setTimeout(r, 2500));
    await bad.send({ type: 'session.update', session: { type: 'realtime', instructions: 'calm now' } });
    const updated = await bad.waitFor('session.updated', 1, 5000);
    expect(updated.session.instructions).toBe('calm now');
  });
});
