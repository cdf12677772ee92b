/** Events over one data packet travel as LiveKit text streams, both ways, in order with the packets. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RtcClient } from '../testing/rtc-client.ts';
import { INTEGRATION, joinFreshRoom } from './helpers.ts';

const clients: RtcClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe.skipIf(!INTEGRATION)('integration: events of any size', () => {
  it('a 100 KB typed message goes up and comes back as streams; the reply after it keeps its order', async () => {
    const c = await joinFreshRoom('large');
    clients.push(c);
    const text = 'word '.repeat(20_000).trim();
    await c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    // Sent right after the stream: must still be handled after the item exists.
    await c.send({ type: 'response.create' });
    const added = await c.waitFor('conversation.item.added', 1, 15_000);

    expect(added.item.type === 'message' && added.item.content[0]).toEqual({ type: 'input_text', text });
    const done = await c.waitFor('response.done', 1, 20_000);
    expect(done.response.status).toBe('completed');
    expect(c.streamsReceived).toBeGreaterThanOrEqual(2); // item.added and item.done at least
    expect(c.badEvents).toEqual([]);
  });
});
