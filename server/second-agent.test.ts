import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchForSecondAgent, type RoomLike } from './second-agent.ts';

interface P {
  identity: string;
  kind?: number;
}

/** A room that emits like rtc-node's: `reconnected`, `participantConnected`. */
function fakeRoom(): RoomLike & { emitter: EventEmitter; people: Map<string, P> } {
  const emitter = new EventEmitter();
  const people = new Map<string, P>();
  return {
    emitter,
    people,
    remoteParticipants: people,
    on: (event: string, fn: (...a: unknown[]) => void) => emitter.on(event, fn),
  } as RoomLike & { emitter: EventEmitter; people: Map<string, P> };
}

describe('watchForSecondAgent', () => {
  it('leaves when it comes back to a room where another agent already is', () => {
    const room = fakeRoom();
    const left: string[] = [];
    let t = 0;
    watchForSecondAgent(
      room,
      (o) => left.push(o),
      10_000,
      () => t,
    );
    room.people.set('user', { identity: 'user', kind: 0 });
    room.people.set('agent-new', { identity: 'agent-new', kind: 4 });
    t = 5_000;
    room.emitter.emit('reconnected');
    expect(left).toEqual(['agent-new']);
    room.emitter.emit('reconnected'); // once only
    expect(left).toEqual(['agent-new']);
  });

  it('leaves when another agent joins within the window after it came back, not later', () => {
    const room = fakeRoom();
    const left: string[] = [];
    let t = 0;
    watchForSecondAgent(
      room,
      (o) => left.push(o),
      10_000,
      () => t,
    );
    room.emitter.emit('reconnected');
    t = 9_000;
    room.people.set('agent-new', { identity: 'agent-new', kind: 4 });
    room.emitter.emit('participantConnected', { identity: 'agent-new', kind: 4 });
    expect(left).toEqual(['agent-new']);

    const late = fakeRoom();
    const leftLate: string[] = [];
    t = 0;
    watchForSecondAgent(
      late,
      (o) => leftLate.push(o),
      10_000,
      () => t,
    );
    late.emitter.emit('reconnected');
    t = 10_001;
    late.people.set('agent-new', { identity: 'agent-new', kind: 4 });
    late.emitter.emit('participantConnected', { identity: 'agent-new', kind: 4 });
    expect(leftLate).toEqual([]);
  });

  it('never leaves an agent that stayed connected (the one that came back leaves instead), nor for users', () => {
    const room = fakeRoom();
    const left: string[] = [];
    watchForSecondAgent(
      room,
      (o) => left.push(o),
      10_000,
      () => 0,
    );
    room.people.set('agent-old', { identity: 'agent-old', kind: 4 });
    room.emitter.emit('participantConnected', { identity: 'agent-old', kind: 4 });
    room.people.set('user', { identity: 'user', kind: 0 });
    room.emitter.emit('participantConnected', { identity: 'user', kind: 0 });
    expect(left).toEqual([]);
  });
});
