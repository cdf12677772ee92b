import { describe, expect, it } from 'vitest';
import { AgentPeer } from './agent-peer.ts';

const agent = (identity: string) => ({ identity, isAgent: true });
const user = (identity: string) => ({ identity, isAgent: false });

describe('AgentPeer', () => {
  it('trusts the agent that announced the session, and nobody else', () => {
    const p = new AgentPeer();
    // Before any announcement, even an agent's other events are dropped.
    expect(p.judge(agent('a1'), 'response.created')).toMatchObject({ accept: false });
    expect(p.judge(agent('a1'), 'session.created')).toEqual({ accept: true, newAgent: true });
    expect(p.identity).toBe('a1');
    expect(p.judge(agent('a1'), 'response.created')).toEqual({ accept: true, newAgent: false });
    // A second participant with a room token: dropped, reported once.
    const first = p.judge(user('intruder'), 'error');
    expect(!first.accept && first.report?.includes('intruder')).toBe(true);
    expect(p.judge(user('intruder'), 'response.created')).toEqual({ accept: false, report: null });
    // Not even a session.created from a non-agent is taken.
    expect(p.judge(user('intruder'), 'session.created')).toEqual({ accept: false, report: null });
    expect(p.identity).toBe('a1');
    // No sender (server API data): dropped.
    expect(p.judge(undefined, 'error')).toEqual({ accept: false, report: null });
  });

  it('forgets an agent that left, and takes the re-dispatched one', () => {
    const p = new AgentPeer();
    p.judge(agent('a1'), 'session.created');
    expect(p.left('intruder')).toBe(false);
    expect(p.left('a1')).toBe(true);
    expect(p.identity).toBeNull();
    expect(p.judge(agent('a1'), 'response.done').accept).toBe(false);
    expect(p.judge(agent('a2'), 'session.created')).toEqual({ accept: true, newAgent: true });
    // The old agent, if it lingers, is no longer heard.
    expect(p.judge(agent('a1'), 'response.created').accept).toBe(false);
    // The same agent greeting again (the user rejoined) is not a new agent.
    expect(p.judge(agent('a2'), 'session.created')).toEqual({ accept: true, newAgent: false });
    p.reset();
    expect(p.identity).toBeNull();
  });
});
