/**
 * A job process killed mid-reply (SIGKILL): the worker notices its job is gone and re-dispatches the
 * room; a new agent joins, announces a new session, takes the conversation history the client hands it
 * (conversation.item.create) and answers the next committed turn. Real livekit-server and worker.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { crash, findJobPid } from '../../scripts/stack/faults.ts';
import type { RtcClient } from '../testing/rtc-client.ts';
import { INTEGRATION, joinRoom, say } from './helpers.ts';

const clients: RtcClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe.skipIf(!INTEGRATION)('integration: a crashed job', () => {
  it('is replaced within seconds, and the new job takes the history and answers the next turn', async () => {
    const stack = inject('stack');
    const room = `crash-${randomBytes(4).toString('hex')}`;
    const c = await joinRoom(room, 'user', 120_000);
    clients.push(c);
    const firstSession = c.of('session.created')[0]?.session.id;
    await c.speak(say('Please tell me a long story about the sea.'));
    await c.send({ type: 'input_audio_buffer.commit' });
    await c.send({ type: 'response.create' });
    await c.waitFor('output_audio_buffer.started', 1, 20_000);

    // Mid-reply, the job process dies.
    const pid = await findJobPid(stack.runDir, room);
    await crash(pid);
    const killedAt = performance.now();

    // A new agent announces a new session to the user.
    await c.waitFor('session.created', 2, 60_000);
    const joinedMs = performance.now() - killedAt;
    const second = c.of('session.created')[1]?.session.id;
    expect(second).toBeDefined();
    expect(second).not.toBe(firstSession);

    // The client hands the held conversation to the new job, then speaks a committed turn.
    await c.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Earlier I asked about the sea.' }],
      },
    });
    const added = c.of('conversation.item.added').length;
    await c.until(() => c.of('conversation.item.added').length > added, 10_000, 'history item accepted');
    await c.speak(say('Are you still there?'));
    await c.send({ type: 'input_audio_buffer.commit' });
    await c.send({ type: 'response.create' });
    await c.until(
      () => c.of('response.done').some((d) => d.response.status === 'completed'),
      30_000,
      'a completed reply from the new job',
    );
    const answeredMs = performance.now() - killedAt;
    console.log(`job killed -> new session ${joinedMs.toFixed(0)} ms; -> answered turn ${answeredMs.toFixed(0)} ms`);
    // The bench reports the figure (~1 s on an idle machine); this bound only catches "waits for a timeout".
    expect(joinedMs).toBeLessThan(20_000);
  }, 240_000);
});
