import { describe, expect, it } from 'vitest';
import { brokeOff, decide, DEFAULT_POLICY, type HeardReply, type UserObservation } from './user-policy.ts';

const base: UserObservation = {
  now: 10,
  speaking: false,
  saidEnd: 8,
  replies: [],
  lastHeard: null,
  remote: true,
};
const at = (o: Partial<UserObservation>): boolean => decide({ ...base, ...o }).say;
const reply = (start: number, end: number | null = null, interrupted = false): HeardReply => ({
  start,
  end,
  interrupted,
});
const P = DEFAULT_POLICY;

describe('the simulated user', () => {
  it('never talks while saying a sentence, and starts with one', () => {
    expect(at({ speaking: true, now: 100 })).toBe(false);
    expect(at({ saidEnd: null })).toBe(true);
  });

  it('asks again when no reply comes within its patience', () => {
    expect(at({ now: 8 + P.patienceS - 0.1 })).toBe(false);
    expect(at({ now: 8 + P.patienceS })).toBe(true);
    // A reply over before the sentence ended does not count.
    expect(at({ now: 12, replies: [reply(7, 7.9)] })).toBe(true);
  });

  it('listens to a reply to its end, then leaves a gap', () => {
    expect(at({ replies: [reply(9)], lastHeard: 11.9, now: 12 })).toBe(false);
    expect(at({ replies: [reply(9, 12.2)], now: 12.5 })).toBe(false);
    expect(at({ replies: [reply(9, 12.2)], now: 12.2 + P.gapS + 0.01 })).toBe(true);
    // A reply that began while the user was still talking is listened to as well.
    expect(at({ replies: [reply(7.5)], remote: false, now: 8 + P.patienceS + 1 })).toBe(false);
    // A second reply that begins within the gap (the answer to a sentence said again) is listened to.
    expect(at({ replies: [reply(9, 12.2), reply(12.6)], lastHeard: 12.8, now: 12.9 })).toBe(false);
    expect(at({ replies: [reply(9, 12.2), reply(12.6, 14)], now: 14 + P.gapS + 0.01 })).toBe(true);
    // A short reply that ends by itself is an answer.
    expect(at({ replies: [reply(9, 9.5)], now: 9.5 + P.gapS + 0.01 })).toBe(true);
  });

  it('notices a remote reply that went silent without ending', () => {
    const cut = { replies: [reply(9)], lastHeard: 10 };
    expect(at({ ...cut, now: 10 + P.quietS - 0.1 })).toBe(false);
    expect(at({ ...cut, now: 10 + P.quietS })).toBe(true);
    // The on-device engine's replies end with an event: no silence rule while answering locally.
    expect(at({ ...cut, remote: false, now: 10 + P.quietS })).toBe(false);
    // A stale sample from an earlier reply: silence counts from this reply's start.
    expect(at({ replies: [reply(9)], lastHeard: 5, now: 9 + P.quietS - 0.1 })).toBe(false);
  });

  it('waits for a reply that broke off to come back, then asks again', () => {
    const cut = { replies: [reply(9, 9.2, true)] };
    expect(at({ ...cut, now: 9.2 + P.gapS + 0.1 })).toBe(false); // not taken for an answer
    expect(at({ ...cut, now: 9.2 + P.quietS + 0.01 })).toBe(true);
    // The answer came back (the turn asked again): listened to its end.
    expect(at({ replies: [reply(9, 9.2, true), reply(10)], lastHeard: 10.5, now: 11 })).toBe(false);
    expect(at({ replies: [reply(9, 9.2, true), reply(10, 12.5)], now: 12.5 + P.gapS + 0.01 })).toBe(true);
    expect(brokeOff(reply(9, 9.5, true), P.minHeardS)).toBe(true);
    expect(brokeOff(reply(9, 9.5, false), P.minHeardS)).toBe(false);
    expect(brokeOff(reply(9, 11, true), P.minHeardS)).toBe(false);
  });

  it('talks over a reply that goes on too long', () => {
    expect(at({ remote: false, replies: [reply(9)], now: 9 + P.maxListenS })).toBe(true);
  });
});
