import { describe, expect, it } from 'vitest';
import { percentile, scoreRun, type TimedEvent } from './score.ts';

const ev = (type: string, time: number): TimedEvent => ({ type, time });

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

describe('percentile', () => {
  it('nearest rank', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  });
});
