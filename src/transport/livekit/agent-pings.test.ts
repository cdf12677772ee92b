import type { Room } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import { parseClientEvent, REALTIME_TOPIC, type ClientEvent } from '../../protocol/index.ts';
import { Heartbeat, HEARTBEAT_MS } from '../heartbeat.ts';
import { AgentPings } from './agent-pings.ts';

/** A room with `agents` (and a browser) in it whose data packets are recorded; `fail` makes them fail. */
function room(agents: string[]) {
  const sent: { event: ClientEvent; to: string[] }[] = [];
  const link = { fail: false };
  const people = [...agents.map((identity) => ({ identity, isAgent: true })), { identity: 'u', isAgent: false }];
  const r = {
    remoteParticipants: new Map(people.map((p) => [p.identity, p])),
    localParticipant: {
      publishData: (bytes: Uint8Array, o: { topic: string; destinationIdentities: string[] }) => {
        const parsed = parseClientEvent(bytes);
        if (!parsed.ok || o.topic !== REALTIME_TOPIC) throw new Error('not a Realtime event');
        sent.push({ event: parsed.event, to: o.destinationIdentities });
        return link.fail ? Promise.reject(new Error('gone')) : Promise.resolve();
      },
    },
  } as unknown as Room;
  return { r, sent, link };
}

const nonces = (sent: { event: ClientEvent }[]) =>
  sent.map((s) => (s.event.type === 'sotto.ping' ? s.event['sotto:nonce'] : -1));

describe('AgentPings', () => {
  it("asks the room's agents to announce themselves at most once a second, from a second after the join", () => {
    const { r, sent } = room(['a1', 'a2']);
    const pings = new AgentPings(new Heartbeat());
    pings.joining(1000);
    pings.tick(r, null, 1500);
    expect(sent).toEqual([]);
    pings.tick(r, null, 2000);
    pings.tick(r, null, 2500);
    pings.tick(r, null, 3000);
    expect(sent.map((s) => s.to)).toEqual([
      ['a1', 'a2'],
      ['a1', 'a2'],
    ]);
    expect(nonces(sent)).toEqual([1, 2]);
    const empty = room([]); // no agent in the room: nobody to ask
    pings.tick(empty.r, null, 9000);
    expect(empty.sent).toEqual([]);
  });

  it("sends the heartbeat's pings to the trusted agent only, and forgets one that could not be sent", async () => {
    const { r, sent, link } = room(['a1', 'a2']);
    const beat = new Heartbeat();
    const pings = new AgentPings(beat);
    pings.tick(r, 'a1', 5000);
    expect(sent).toEqual([]); // the agent has not said it answers pings
    beat.announced(true, 5000);
    link.fail = true;
    pings.tick(r, 'a1', 5000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    link.fail = false;
    pings.tick(r, 'a1', 5100); // the failed one does not hold back the next
    pings.tick(r, 'a1', 5100 + HEARTBEAT_MS - 1);
    expect(sent.map((s) => s.to)).toEqual([['a1'], ['a1']]);
    const [, n] = nonces(sent);
    expect(beat.pong(n ?? -1, 5200)).toBe(true);
  });

  it('answers: true on the next pong, false on timeout or close, true at once for an agent without a heartbeat', async () => {
    const { r, sent } = room(['a1']);
    const beat = new Heartbeat();
    const pings = new AgentPings(beat);
    await expect(pings.answers(r, 'a1', 1000)).resolves.toBe(true);
    expect(sent).toEqual([]);
    beat.announced(true, 0);
    const answered = pings.answers(r, 'a1', 1000);
    expect(sent.map((s) => s.to)).toEqual([['a1']]);
    pings.pong(nonces(sent)[0] ?? -1, 10);
    await expect(answered).resolves.toBe(true);
    await expect(pings.answers(r, 'a1', 5)).resolves.toBe(false);
    const closed = pings.answers(r, 'a1', 1000);
    pings.close();
    await expect(closed).resolves.toBe(false);
  });

  it('says since when the agent hears the mic, as its pongs report it; unknown for a new agent', () => {
    const beat = new Heartbeat();
    const pings = new AgentPings(beat);
    expect(pings.micHeardSince()).toBeUndefined();
    pings.pong(1, 10_000); // a pong that says nothing of the mic changes nothing
    expect(pings.micHeardSince()).toBeUndefined();
    pings.pong(2, 10_000, { ageMs: -1, runMs: 0 }); // no frame yet
    expect(pings.micHeardSince()).toBeNull();
    pings.pong(3, 11_000, { ageMs: 20, runMs: 600 });
    expect(pings.micHeardSince()).toBe(11_000 - 20 - 600);
    pings.pong(4, 12_000, { ageMs: 900, runMs: 1500 }); // nothing for 0.9 s: not hearing now
    expect(pings.micHeardSince()).toBeNull();
    pings.newAgent();
    expect(pings.micHeardSince()).toBeUndefined();
  });
});
