import { describe, expect, it } from 'vitest';
import { afterJobExit, roomsToDispatch, roomsToInspect } from './dispatch-reconciler.ts';

const user = { kind: 0 } as const;
const agent = { kind: 4 } as const;
const egress = { kind: 2 } as const;

describe('roomsToDispatch', () => {
  it('dispatches a room that has lacked an agent for the grace period, once per backoff', () => {
    const seen = new Map<string, number>();
    const sent = new Map<string, number>();
    const rooms = [{ name: 'r1', participants: [user] }];
    expect(roomsToDispatch(rooms, seen, sent, 0, 3000, 15000)).toEqual([]);
    expect(roomsToDispatch(rooms, seen, sent, 2999, 3000, 15000)).toEqual([]);
    expect(roomsToDispatch(rooms, seen, sent, 3000, 3000, 15000)).toEqual(['r1']);
    sent.set('r1', 3000);
    expect(roomsToDispatch(rooms, seen, sent, 10000, 3000, 15000)).toEqual([]);
    expect(roomsToDispatch(rooms, seen, sent, 18000, 3000, 15000)).toEqual(['r1']);
  });

  it('leaves rooms with an agent, or with no user, alone and forgets them', () => {
    const seen = new Map<string, number>([['r1', 0]]);
    const sent = new Map<string, number>([['r3', 0]]);
    const rooms = [
      { name: 'r1', participants: [user, agent] },
      { name: 'r2', participants: [egress] },
    ];
    expect(roomsToDispatch(rooms, seen, sent, 99999, 3000, 15000)).toEqual([]);
    expect(seen.size).toBe(0);
    expect(sent.size).toBe(0);
  });

  it('restarts the grace period when an agent came and went', () => {
    const seen = new Map<string, number>();
    const sent = new Map<string, number>();
    roomsToDispatch([{ name: 'r', participants: [user] }], seen, sent, 0, 3000, 15000);
    roomsToDispatch([{ name: 'r', participants: [user, agent] }], seen, sent, 2000, 3000, 15000);
    expect(roomsToDispatch([{ name: 'r', participants: [user] }], seen, sent, 4000, 3000, 15000)).toEqual([]);
    expect(roomsToDispatch([{ name: 'r', participants: [user] }], seen, sent, 7000, 3000, 15000)).toEqual(['r']);
  });
});

describe('afterJobExit', () => {
  const u = { identity: 'user-1', kind: 0 };
  const dead = { identity: 'agent-AJ_dead', kind: 4 };
  it('re-dispatches a room whose user stayed, removing the dead agent', () => {
    expect(afterJobExit([u, dead], 'agent-AJ_dead')).toEqual({ dispatch: true, removeDead: true });
    expect(afterJobExit([u], 'agent-AJ_dead')).toEqual({ dispatch: true, removeDead: false });
  });
  it('leaves a room alone when the user is gone or another agent serves it', () => {
    expect(afterJobExit([dead], 'agent-AJ_dead').dispatch).toBe(false);
    expect(afterJobExit([], 'agent-AJ_dead').dispatch).toBe(false);
    expect(afterJobExit([u, dead, { identity: 'agent-AJ_new', kind: 4 }], 'agent-AJ_dead').dispatch).toBe(false);
  });
});

describe('roomsToInspect', () => {
  it('looks at rooms with people, and at young rooms whose participant count may not have caught up', () => {
    const now = 1_000_000_000; // ms
    const rooms = [
      { name: 'busy-one', numParticipants: 1, creationTime: 0n },
      { name: 'people', numParticipants: 2, creationTime: 0n },
      { name: 'old-empty', numParticipants: 0, creationTime: 0n },
      { name: 'new-lagging', numParticipants: 0, creationTime: BigInt(now / 1000 - 5) },
      { name: 'a-minute-old', numParticipants: 0, creationTime: BigInt(now / 1000 - 60) },
    ];
    expect(roomsToInspect(rooms, new Set(['busy-one']), now).map((r) => r.name)).toEqual(['people', 'new-lagging']);
  });
});
