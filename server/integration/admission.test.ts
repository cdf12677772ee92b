/**
 * Admission on a real stack of its own (livekit-server + a worker that takes one room): a room the
 * worker cannot take gets a typed `agent_unavailable` error within seconds instead of silence, the
 * session already running is not disturbed, and once a slot is free a new room gets an agent and a real
 * spoken turn.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtcClient } from '../testing/rtc-client.ts';
import { startTestStack, type TestStack } from '../testing/stack.ts';
import { INTEGRATION, say } from './helpers.ts';

let stack: TestStack | null = null;
const clients: RtcClient[] = [];

beforeAll(async () => {
  if (!INTEGRATION) return;
  stack = await startTestStack('admission', {
    SOTTO_MAX_JOBS: '1',
    SOTTO_IDLE_PROCESSES: '1',
    SOTTO_REJOIN_GRACE_MS: '0',
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stack?.stop();
});

async function join(): Promise<RtcClient> {
  const s = stack;
  if (!s) throw new Error('no stack');
  const c = await RtcClient.connect({
    url: s.url,
    apiKey: s.apiKey,
    apiSecret: s.apiSecret,
    room: `admission-${randomBytes(4).toString('hex')}`,
  });
  clients.push(c);
  return c;
}

async function talk(c: RtcClient, n: number): Promise<void> {
  await c.speak(say('How long was this turn?'));
  await c.send({ type: 'input_audio_buffer.commit' });
  await c.send({ type: 'response.create' });
  const done = await c.waitFor('response.done', n, 30_000);
  expect(done.response.status).toBe('completed');
}

describe.skipIf(!INTEGRATION)('integration: admission', () => {
  it('a room the full worker cannot take is told agent_unavailable; the live session keeps talking', async () => {
    const first = await join();
    await first.waitFor('session.created', 1, 45_000);

    const t0 = performance.now();
    const refused = await join();
    await refused.until(() => refused.of('error').length > 0, 20_000, 'agent_unavailable');
    const waited = performance.now() - t0;
    expect(refused.of('error')[0]?.error.code).toBe('agent_unavailable');
    expect(refused.of('session.created')).toHaveLength(0);
    // A fast answer: the notice waits 2.5 s for another worker to take the room, then goes out.
    expect(waited).toBeLessThan(20_000);

    // The session already running was not disturbed.
    await talk(first, 1);
    await refused.close();

    // Once the first user leaves, its slot frees (the job ends); a client retrying after
    // agent_unavailable, as the SDK should, gets an agent and a real turn.
    await first.close();
    let next: RtcClient | null = null;
    for (let attempt = 0; attempt < 8 && !next; attempt++) {
      const c = await join();
      await c.until(() => c.of('session.created').length > 0 || c.of('error').length > 0, 45_000, 'an answer');
      if (c.of('session.created').length > 0) next = c;
      else await c.close();
    }
    if (!next) throw new Error('no agent after the slot was freed');
    await talk(next, 1);
  }, 240_000);
});
