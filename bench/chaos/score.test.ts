import { describe, expect, it } from 'vitest';
import { percentile, scoreRun, type TimedEvent } from './score.ts';

const ev = (type: string, time: number, interrupted?: boolean): TimedEvent =>
  interrupted === undefined ? { type, time } : { type, time, interrupted };

describe('scoreRun', () => {
  const marks = { fault: 10, recovered: 20, end: 40, graceS: 5 };

  it('counts answered turns after recovery and the time to the first answer', () => {
    const events = [
      ev('turn_end', 5),
      ev('agent_audio_start', 5.5), // before the fault: not scored
      ev('turn_end', 12), // during the fault, never answered: lost
      ev('turn_end', 22),
      ev('agent_audio_start', 23.2),
      ev('turn_end', 30),
      ev('agent_audio_start', 30.4),
      ev('turn_end', 37), // inside the grace period: not scored
    ];
    expect(scoreRun(events, marks)).toEqual({
      afterTurns: 2,
      afterAnswered: 2,
      recoverToAnswerMs: 3200,
      recoverToTurnEndMs: 2000,
      turnEndToAnswerMs: 1200,
      recoverToFirstReplyMs: 3200,
      turnsLost: 1,
    });
  });

  it('a reply that comes only after the next turn ended does not answer the earlier one', () => {
    const events = [ev('turn_end', 21), ev('turn_end', 26), ev('agent_audio_start', 27)];
    expect(scoreRun(events, marks)).toEqual({
      afterTurns: 2,
      afterAnswered: 1,
      recoverToAnswerMs: 7000,
      recoverToTurnEndMs: 6000,
      turnEndToAnswerMs: 1000,
      recoverToFirstReplyMs: 7000,
      turnsLost: 1,
    });
  });

  it('no turn after recovery: nothing answered, no recovery time', () => {
    expect(scoreRun([ev('turn_end', 12)], marks)).toEqual({
      afterTurns: 0,
      afterAnswered: 0,
      recoverToAnswerMs: null,
      recoverToTurnEndMs: null,
      turnEndToAnswerMs: null,
      recoverToFirstReplyMs: null,
      turnsLost: 1,
    });
  });

  it('a turn held during the fault and answered after recovery is the first reply, not a turn after recovery', () => {
    const events = [
      ev('turn_end', 15),
      ev('agent_audio_start', 21.2),
      ev('turn_end', 26),
      ev('agent_audio_start', 26.3),
    ];
    expect(scoreRun(events, marks)).toMatchObject({
      afterTurns: 1,
      afterAnswered: 1,
      recoverToAnswerMs: 6300,
      recoverToFirstReplyMs: 1200,
      turnsLost: 0,
    });
  });
});

describe('scoreRun: a reply cut a moment after it began', () => {
  it('answers nothing; the reply to the turn asked again does', () => {
    const marks = { fault: 10, recovered: 10, end: 40, graceS: 5 };
    const events = [
      ev('turn_end', 9.6),
      ev('agent_audio_start', 9.7),
      ev('agent_audio_end', 9.75, true), // the job died: 50 ms heard
      ev('turn_end', 13),
      ev('agent_audio_start', 13.1),
      ev('agent_audio_end', 15.6),
      ev('turn_end', 20),
      ev('agent_audio_start', 20.2),
      ev('agent_audio_end', 20.9, true), // cut at 0.7 s: not an answer
      ev('agent_audio_start', 21.5), // asked again, heard to its end
      ev('agent_audio_end', 24),
    ];
    expect(scoreRun(events, marks)).toMatchObject({
      afterTurns: 2,
      afterAnswered: 2,
      recoverToAnswerMs: 3100,
      turnEndToAnswerMs: 100,
      turnsLost: 0,
    });
    // Without the second reply the turn at 20 s is lost; a short reply that ended by itself answers it.
    expect(scoreRun(events.slice(0, 9), marks).turnsLost).toBe(1);
    const short = [...events.slice(0, 8), ev('agent_audio_end', 20.9, false)];
    expect(scoreRun(short, marks).turnsLost).toBe(0);
  });
});

describe('scoreRun: an answer playing when the link came back', () => {
  it('the user was not waiting: the next answer heard is at 0 ms', () => {
    const marks = { fault: 10, recovered: 20, end: 40, graceS: 5 };
    const events = [ev('turn_end', 18), ev('agent_audio_start', 18.5), ev('agent_audio_end', 23)];
    expect(scoreRun(events, marks).recoverToFirstReplyMs).toBe(0);
    // Cut before a second of it was heard, it answered nothing.
    const cut = [ev('turn_end', 18), ev('agent_audio_start', 19.5), ev('agent_audio_end', 20.2, true)];
    expect(scoreRun(cut, marks).recoverToFirstReplyMs).toBeNull();
  });
});

describe('percentile', () => {
  it('nearest rank', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  });
});
