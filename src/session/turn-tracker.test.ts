import { describe, expect, it } from 'vitest';
import { TurnTracker } from './turn-tracker.ts';

describe('TurnTracker', () => {
  it('ties commit, ack, reply and first audio to the turn, and derives voice-to-voice', () => {
    const t = new TurnTracker();
    t.mark('1', 'speechStart', 1.0);
    t.mark('1', 'speechEnd', 2.0);
    t.mark('1', 'endpoint', 2.51);
    t.committed('1', 2.512);
    expect(t.awaiting).toBe(true);
    t.acked(2.53);
    expect(t.replyCreated('r1', 2.54)).toBe('1');
    expect(t.awaiting).toBe(false);
    t.firstAudio('r1', 2.7, 2.71);
    const m = t.finishReply('r1');
    expect(m?.turnId).toBe('1');
    expect(m?.stages).toMatchObject({
      endpointing: 510,
      commit: 2,
      server_ack: 18,
      first_audio: 188,
      playout: 10,
      voice_to_voice: 710,
    });
    expect(t.finishReply('r1')).toBeUndefined();
    expect(t.stats().turns).toBe(1);
  });

  it('a reply without an ack acknowledges its turn; replies pair with turns in order', () => {
    const t = new TurnTracker();
    t.committed('a', 1);
    t.committed('b', 2);
    expect(t.replyCreated('r1', 1.1)).toBe('a');
    expect(t.marks('a')?.serverAck).toBe(1.1);
    t.acked(2.05);
    expect(t.marks('b')?.serverAck).toBe(2.05);
    expect(t.replyCreated('r2', 2.1)).toBe('b');
    expect(t.marks('b')?.serverAck).toBe(2.05);
    expect(t.replyCreated('r3', 3)).toBeUndefined();
    t.firstAudio('unknown', 1, 1);
  });

  it('manual ids are unique; uncommitted turns finish on their own', () => {
    const t = new TurnTracker();
    expect(t.manualId()).not.toBe(t.manualId());
    t.mark('x', 'bargeInOnset', 1);
    t.mark('x', 'bargeInSilent', 1.05);
    expect(t.finishUncommitted('x')?.stages.barge_in_silence).toBe(50);
    t.committed('y', 1);
    expect(t.finishUncommitted('y')).toBeUndefined();
  });

  it('an agent that ends turns itself answers the latest turn; the ones it merged leave the queue', () => {
    const t = new TurnTracker();
    t.mark('a', 'speechEnd', 1);
    t.committed('a', 1.2);
    t.mark('b', 'speechEnd', 3);
    t.committed('b', 3.2);
    // One reply for both (the agent heard them as one turn): it answers b, measured from b's speech end.
    expect(t.replyCreated('r1', 4, true)).toBe('b');
    expect(t.awaiting).toBe(false);
    t.firstAudio('r1', 4.1, 4.2);
    expect(t.finishReply('r1')?.stages.voice_to_voice).toBe(1200);
    // Later turns pair with their own replies, not with a turn the agent never answered.
    t.mark('c', 'speechEnd', 10);
    t.committed('c', 10.2);
    expect(t.replyCreated('r2', 11, true)).toBe('c');
    expect(t.turns().map((m) => m.turnId)).toEqual(['b']);
  });

  it('a barge-in that opened a merged turn moves to the turn the reply answers', () => {
    const t = new TurnTracker();
    t.mark('a', 'speechStart', 5);
    t.mark('a', 'bargeInOnset', 5);
    t.mark('a', 'bargeInSilent', 5.04);
    t.mark('a', 'speechEnd', 6);
    t.committed('a', 6.1);
    t.mark('b', 'speechEnd', 8);
    t.committed('b', 8.1);
    expect(t.replyCreated('r1', 9, true)).toBe('b');
    t.firstAudio('r1', 9.1, 9.2);
    expect(t.finishReply('r1')?.stages.barge_in_silence).toBe(40);
  });
});
