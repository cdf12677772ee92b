import type { Room } from 'livekit-client';
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../protocol/index.ts';
import { LkAgentsLink } from './lk-agents-link.ts';

interface FakeParticipant {
  identity: string;
  isAgent: boolean;
  attributes: Record<string, string>;
}

function setup(opts: ConstructorParameters<typeof LkAgentsLink>[1] = {}) {
  const participants = new Map<string, FakeParticipant>();
  const listeners = new Map<string, (changed: Record<string, string>, p: FakeParticipant) => void>();
  const chats: { text: string; to: string[] }[] = [];
  const rpcs: { to: string; method: string }[] = [];
  const rpc = { fail: false };
  const room = {
    remoteParticipants: participants,
    localParticipant: {
      identity: 'me',
      trackPublications: new Map(),
      sendText: (text: string, o: { destinationIdentities: string[] }) => {
        chats.push({ text, to: o.destinationIdentities });
        return Promise.resolve({});
      },
      performRpc: (p: { destinationIdentity: string; method: string }) => {
        rpcs.push({ to: p.destinationIdentity, method: p.method });
        return rpc.fail ? Promise.reject(new Error('Method not supported at destination')) : Promise.resolve('{}');
      },
    },
    on: (ev: string, f: (changed: Record<string, string>, p: FakeParticipant) => void) => listeners.set(ev, f),
    registerTextStreamHandler: () => undefined,
  };
  const events: ServerEvent[] = [];
  const adopted: string[] = [];
  const noAgent: number[] = [];
  const failures: string[] = [];
  let sotto: string | null = null;
  const link = new LkAgentsLink(
    {
      adopt: (id) => adopted.push(id),
      event: (e) => events.push(e),
      failed: (e) => failures.push(`${e.code}: ${e.message}`),
      noAgent: (ms) => noAgent.push(ms),
      sottoAgent: () => sotto,
    },
    opts,
  );
  link.attach(room as unknown as Room, 0);
  return {
    link,
    participants,
    events,
    adopted,
    noAgent,
    chats,
    rpcs,
    rpc,
    failures,
    setSotto: (id: string) => (sotto = id),
    attr: (p: FakeParticipant, state: string) => {
      p.attributes['lk.agent.state'] = state;
      listeners.get('participantAttributesChanged')?.({ 'lk.agent.state': state }, p);
    },
  };
}

describe('LkAgentsLink', () => {
  it("ends the user's turn over RPC on an agent that names the method in sotto.turns, and reports a failed call", async () => {
    const t = setup();
    const agent: FakeParticipant = { identity: 'agent-t', isAgent: true, attributes: {} };
    t.participants.set(agent.identity, agent);
    t.attr(agent, 'listening'); // adopted at once
    await t.link.send({ type: 'input_audio_buffer.commit' });
    expect(t.rpcs).toEqual([]); // not opted in: the agent ends turns itself
    agent.attributes['sotto.turns'] = 'sotto.end_of_turn';
    t.attr(agent, 'listening');
    await t.link.send({ type: 'input_audio_buffer.commit' });
    expect(t.rpcs).toEqual([{ to: 'agent-t', method: 'sotto.end_of_turn' }]);
    t.rpc.fail = true;
    await t.link.send({ type: 'input_audio_buffer.commit' });
    await new Promise((r) => setTimeout(r, 0));
    expect(t.failures).toEqual([
      'server_error: sotto.end_of_turn on agent-t failed: Error: Method not supported at destination',
    ]);
    agent.attributes['sotto.turns'] = ''; // cleared: the agent stopped taking turn ends
    t.attr(agent, 'listening');
    await t.link.send({ type: 'input_audio_buffer.commit' });
    expect(t.rpcs.length).toBe(2);
  });

  it('adopts an agent that stays silent for detectMs and follows its state', () => {
    const t = setup();
    const agent: FakeParticipant = { identity: 'agent-x', isAgent: true, attributes: {} };
    t.participants.set(agent.identity, agent);
    t.link.tick(1000);
    t.link.tick(3000);
    expect(t.adopted).toEqual([]);
    t.link.tick(3500);
    expect(t.adopted).toEqual(['agent-x']);
    expect(t.link.protocol).toBe('livekit-agents');
    expect(t.events.map((e) => e.type)).toEqual(['session.created']);
    t.attr(agent, 'thinking');
    expect(t.events.map((e) => e.type)).toEqual(['session.created', 'response.created']);
  });

  it("adopts at once an agent that shows lk.agent.state without Sotto's attribute (its first words count)", () => {
    const t = setup();
    const agent: FakeParticipant = { identity: 'agent-y', isAgent: true, attributes: {} };
    t.participants.set(agent.identity, agent);
    t.link.tick(100);
    expect(t.adopted).toEqual([]);
    t.attr(agent, 'initializing'); // the attribute arrives: adopted on the event, no tick needed
    expect(t.adopted).toEqual(['agent-y']);
    // Sotto's agent sets its protocol attribute in the same update as lk.agent.state: never adopted.
    const u = setup();
    u.participants.set('s', {
      identity: 's',
      isAgent: true,
      attributes: { 'lk.agent.state': 'listening', 'sotto.protocol_version': '2' },
    });
    u.link.tick(0);
    u.link.tick(60_000);
    expect(u.adopted).toEqual([]);
  });

  it('a Sotto agent that announced itself is never adopted; protocol sotto', () => {
    const t = setup();
    t.participants.set('sotto-agent', { identity: 'sotto-agent', isAgent: true, attributes: {} });
    t.setSotto('sotto-agent');
    t.link.tick(0);
    t.link.tick(60_000);
    expect(t.adopted).toEqual([]);
    expect(t.link.protocol).toBe('sotto');
    expect(t.noAgent).toEqual([]);
  });

  it('an agent with the Sotto attribute is waited for, never adopted; an announcement ends a stock adoption', () => {
    const t = setup();
    t.participants.set('slow', { identity: 'slow', isAgent: true, attributes: { 'sotto.protocol_version': '2' } });
    t.link.tick(0);
    t.link.tick(60_000);
    expect(t.adopted).toEqual([]);
    expect(t.noAgent).toEqual([]);
    const u = setup({ protocol: 'livekit-agents' });
    u.participants.set('a', { identity: 'a', isAgent: true, attributes: {} });
    u.link.tick(0);
    expect(u.link.protocol).toBe('livekit-agents');
    u.setSotto('a');
    u.link.sottoAnnounced();
    expect(u.link.protocol).toBe('sotto');
  });

  it('no agent at all for waitMs: reported once', () => {
    const t = setup({ waitMs: 1000 });
    t.link.tick(500);
    t.link.tick(1000);
    t.link.tick(2000);
    expect(t.noAgent).toEqual([1000]);
  });

  it('typed text goes on lk.chat to the adopted agent only', async () => {
    const t = setup({ protocol: 'livekit-agents' });
    t.participants.set('agent-x', { identity: 'agent-x', isAgent: true, attributes: {} });
    t.link.tick(0);
    expect(t.adopted).toEqual(['agent-x']);
    await t.link.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    });
    expect(await t.link.send({ type: 'response.create' })).toBe(true);
    expect(t.chats).toEqual([{ text: 'hi', to: ['agent-x'] }]);
    t.link.left('agent-x');
    expect(t.link.protocol).toBeNull();
  });
});
