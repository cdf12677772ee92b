import { describe, expect, it } from 'vitest';
import { Endpointer } from './endpointer.ts';
import type { EndpointerOptions } from './endpointer-options.ts';
import { N, T0, SPEECH, SIL, MID, time, rep, run, trace, expectTimes, mulberry32 } from './endpointer.test-util.ts';

describe('Endpointer onset', () => {
  it('reports the first frame of the confirming run, the decision frame and the pre-roll', () => {
    const ep = new Endpointer();
    const hits = run(ep, [...rep(SIL, 20), ...rep(SPEECH, 40), ...rep(SIL, 30)]);
    expect(trace(hits)).toEqual([
      [22, 'speech_start'],
      [64, 'turn_ending'],
      [75, 'turn_end'],
    ]);
    expect(hits[0]?.e).toEqual({
      type: 'speech_start',
      turnId: 1,
      onsetSample: 10_240,
      onsetTime: time(10_240),
      decisionSample: 11_776,
      decisionTime: expect.closeTo(T0 + 0.736, 9) as number,
      startSample: 10_240 - 4_800,
      startTime: expect.closeTo(T0 + 0.34, 9) as number,
    });
    expect(hits[1]?.e).toMatchObject({ turnId: 1, endSample: 30_720, decisionSample: 65 * N });
    expect(hits[2]?.e).toMatchObject({
      type: 'turn_end',
      turnId: 1,
      reason: 'silence',
      onsetSample: 10_240,
      startSample: 5_440,
      endSample: 30_720,
      decisionSample: 38_912,
      speechMs: 1_280,
    });
    hits.forEach(({ e }) => {
      expectTimes(e);
    });
    const end = hits[2]?.e;
    expect(end && end.decisionTime - (end as { endTime: number }).endTime).toBeCloseTo(0.512, 9);
  });

  it('clamps the pre-roll to the first frame of the stream', () => {
    const ep = new Endpointer();
    const hits = run(ep, [SIL, SIL, ...rep(SPEECH, 10), ...rep(SIL, 16)], 0, 1_000);
    expect(hits[0]?.e).toMatchObject({ type: 'speech_start', onsetSample: 2_024, startSample: 1_000 });
    expect(hits[0]?.e.type === 'speech_start' && hits[0].e.startTime).toBeCloseTo(time(1_000), 9);

    const atOnce = run(new Endpointer(), rep(SPEECH, 3), 0, 7);
    expect(atOnce[0]?.e).toMatchObject({ onsetSample: 7, startSample: 7, decisionSample: 7 + 3 * N });
  });

  it('lets neutral frames sit inside the run, but a silent frame (or NaN) restarts it', () => {
    const neutral = run(new Endpointer(), [...rep(SIL, 10), SPEECH, MID, MID, SPEECH, 0.45, SPEECH]);
    expect(neutral.map(({ i, e }) => [i, e.type, e.type === 'speech_start' && e.onsetSample])).toEqual([
      [15, 'speech_start', 10 * N],
    ]);
    for (const gap of [0.2, Number.NaN]) {
      const broken = run(new Endpointer(), [...rep(SIL, 10), SPEECH, SPEECH, gap, SPEECH, SPEECH, SPEECH]);
      expect(broken.map(({ i, e }) => [i, e.type === 'speech_start' && e.onsetSample])).toEqual([[15, 13 * N]]);
    }
  });

  it('never starts a turn on clicks of 1-2 speech frames (seeded noise)', () => {
    const rnd = mulberry32(0xc11c);
    const probs: number[] = [];
    while (probs.length < 60_000) {
      const r = rnd();
      if (r < 0.05) {
        // A click or short burst, then the model decays through the neutral band into silence.
        probs.push(...rep(0.5 + rnd() * 0.5, rnd() < 0.5 ? 1 : 2), ...rep(0.35 + rnd() * 0.15, Math.floor(rnd() * 3)));
        probs.push(rnd() * 0.35);
      } else {
        probs.push(rnd() * (r < 0.15 ? 0.5 : 0.35));
      }
    }
    const ep = new Endpointer();
    expect(run(ep, probs)).toEqual([]);
    expect(ep.phase).not.toBe('turn');
  });
});

describe('Endpointer pauses', () => {
  const talk = (pause: number): number[] => [
    ...rep(SPEECH, 30),
    ...rep(SIL, pause),
    ...rep(SPEECH, 30),
    ...rep(SIL, 20),
  ];

  it.each([3, 4, 9, 12, 15])('keeps one turn over a %i-frame hesitation (silenceMs 500)', (pause) => {
    const hits = run(new Endpointer(), talk(pause));
    const types = hits.map(({ e }) => e.type);
    const resume = pause >= 5 ? ['turn_ending', 'turn_resumed'] : [];
    expect(types).toEqual(['speech_start', ...resume, 'turn_ending', 'turn_end']);
    expect(hits.at(-1)?.e).toMatchObject({ turnId: 1, endSample: (60 + pause) * N, speechMs: 60 * 32 });
  });

  it('ends the turn at the 16th silent frame (512 ms) for silenceMs 500', () => {
    expect(trace(run(new Endpointer(), talk(16)))).toEqual([
      [2, 'speech_start'],
      [34, 'turn_ending'],
      [45, 'turn_end'],
      [48, 'speech_start'],
      [80, 'turn_ending'],
      [91, 'turn_end'],
    ]);
  });

  it('emits turn_resumed with the first frame of the resumed speech', () => {
    const hits = run(new Endpointer(), talk(10));
    expect(hits[1]?.e).toMatchObject({ type: 'turn_ending', decisionSample: 35 * N, endSample: 30 * N });
    expect(hits[2]).toEqual({
      i: 42,
      e: {
        type: 'turn_resumed',
        turnId: 1,
        resumeSample: 40 * N,
        resumeTime: time(40 * N),
        decisionSample: 43 * N,
        decisionTime: expect.closeTo(time(43 * N), 9) as number,
      },
    });
    expect(hits[4]).toMatchObject({ i: 85, e: { type: 'turn_end', endSample: 70 * N } });
  });

  it('does not resume on a short burst after turn_ending, but restarts the silence count', () => {
    const hits = run(new Endpointer(), [...rep(SPEECH, 30), ...rep(SIL, 10), SPEECH, SPEECH, ...rep(SIL, 20)]);
    expect(trace(hits)).toEqual([
      [2, 'speech_start'],
      [34, 'turn_ending'],
      [57, 'turn_end'],
    ]);
    expect(hits[2]?.e).toMatchObject({ endSample: 42 * N, speechMs: 32 * 32 });
    // A silent frame breaks the resuming run: 2 + 1 speech frames are not 3 in a row.
    const broken = run(new Endpointer(), [
      ...rep(SPEECH, 30),
      ...rep(SIL, 10),
      SPEECH,
      SPEECH,
      SIL,
      SPEECH,
      ...rep(SIL, 16),
    ]);
    expect(trace(broken)).toEqual([
      [2, 'speech_start'],
      [34, 'turn_ending'],
      [59, 'turn_end'],
    ]);
  });

  it('does not count neutral frames in a pause as silence (like @ricky0123/vad-web)', () => {
    const hits = run(new Endpointer(), [...rep(SPEECH, 30), ...rep(SIL, 10), ...rep(MID, 5), ...rep(SIL, 10)]);
    expect(trace(hits)).toEqual([
      [2, 'speech_start'],
      [34, 'turn_ending'],
      [50, 'turn_end'],
    ]);
    expect(hits[2]?.e).toMatchObject({ endSample: 30 * N });
  });

  it('takes a neutral tail as the decay of the model: the speech ends before it', () => {
    const hits = run(new Endpointer(), [...rep(SPEECH, 30), MID, MID, ...rep(SIL, 16)]);
    expect(hits.at(-1)).toMatchObject({ i: 45, e: { type: 'turn_end', endSample: 30 * N } });
    // endLookbackMs 0: the speech ends with the last voiced frame (the neutral tail), as before.
    const plain = run(new Endpointer({ endLookbackMs: 0 }), [...rep(SPEECH, 30), MID, MID, ...rep(SIL, 16)]);
    expect(plain.at(-1)).toMatchObject({ i: 47, e: { type: 'turn_end', endSample: 32 * N } });
  });

  it.each([
    [300, 39],
    [288, 38],
    [200, 36],
  ])('rounds silenceMs %i up to whole frames (turn_end at frame %i)', (silenceMs, at) => {
    const hits = run(new Endpointer({ silenceMs }), [...rep(SPEECH, 30), ...rep(SIL, 12)]);
    expect(hits.at(-1)?.i).toBe(at);
    const e = hits.at(-1)?.e;
    expect(e?.type === 'turn_end' && (e.decisionTime - e.endTime) * 1000).toBeGreaterThanOrEqual(silenceMs - 1e-6);
  });

  it('skips turn_ending when it is not shorter than silenceMs', () => {
    const hits = run(new Endpointer({ silenceMs: 150, turnEndingMs: 160 }), [...rep(SPEECH, 30), ...rep(SIL, 8)]);
    expect(trace(hits)).toEqual([
      [2, 'speech_start'],
      [34, 'turn_end'],
    ]);
  });
});

describe('Endpointer turn length', () => {
  it('forces turn_end at maxTurnMs and starts the next turn where it ended', () => {
    const hits = run(new Endpointer({ maxTurnMs: 1_000 }), [...rep(SPEECH, 100), ...rep(SIL, 20)]);
    expect(trace(hits)).toEqual([
      [2, 'speech_start'],
      [31, 'turn_end'],
      [34, 'speech_start'],
      [63, 'turn_end'],
      [66, 'speech_start'],
      [95, 'turn_end'],
      [98, 'speech_start'],
      [104, 'turn_ending'],
      [115, 'misfire'],
    ]);
    expect(hits[1]?.e).toMatchObject({ reason: 'max_length', endSample: 32 * N, decisionSample: 32 * N });
    expect(hits[2]?.e).toMatchObject({ turnId: 2, onsetSample: 32 * N, startSample: 32 * N });
    expect(hits[8]?.e).toMatchObject({ turnId: 4, reason: 'silence', speechMs: 128, startSample: 96 * N });
  });

  it('discards a turn shorter than minSpeechMs with misfire', () => {
    const four = run(new Endpointer(), [...rep(SIL, 10), ...rep(SPEECH, 4), ...rep(SIL, 16)]);
    expect(trace(four)).toEqual([
      [12, 'speech_start'],
      [18, 'turn_ending'],
      [29, 'misfire'],
    ]);
    expect(four[2]?.e).toMatchObject({ reason: 'silence', speechMs: 128, onsetSample: 10 * N, endSample: 14 * N });
    const five = run(new Endpointer(), [...rep(SIL, 10), ...rep(SPEECH, 5), ...rep(SIL, 16)]);
    expect(five.at(-1)?.e).toMatchObject({ type: 'turn_end', speechMs: 160 });
    const any = run(new Endpointer({ minSpeechMs: 0 }), [...rep(SPEECH, 3), ...rep(SIL, 16)]);
    expect(any.at(-1)?.e).toMatchObject({ type: 'turn_end', speechMs: 96 });
  });

  it('clamps the pre-roll to the previous turn_end, not to a misfire', () => {
    const opts: EndpointerOptions = { silenceMs: 200 };
    const afterMisfire = run(new Endpointer(opts), [
      ...rep(SIL, 10),
      ...rep(SPEECH, 4),
      ...rep(SIL, 7),
      ...rep(SPEECH, 3),
    ]);
    expect(afterMisfire.map(({ e }) => e.type)).toEqual(['speech_start', 'turn_ending', 'misfire', 'speech_start']);
    expect(afterMisfire[3]?.e).toMatchObject({ turnId: 2, onsetSample: 21 * N, startSample: 21 * N - 4_800 });
    const afterEnd = run(new Endpointer(opts), [
      ...rep(SIL, 10),
      ...rep(SPEECH, 10),
      ...rep(SIL, 7),
      ...rep(SPEECH, 3),
    ]);
    expect(afterEnd[3]?.e).toMatchObject({ type: 'speech_start', onsetSample: 27 * N, startSample: 20 * N });
  });
});

describe('Endpointer flush and reset', () => {
  it('flush closes a turn at the last frame, drops an unconfirmed onset', () => {
    const ep = new Endpointer();
    expect(ep.flush()).toBeNull();
    run(ep, rep(SPEECH, 10));
    expect(ep.flush()).toMatchObject({ type: 'turn_end', reason: 'flush', endSample: 10 * N, decisionSample: 10 * N });
    expect(ep.phase).toBe('idle');
    run(ep, rep(SPEECH, 2), 10);
    expect(ep.phase).toBe('onset');
    expect(ep.flush()).toBeNull();
    expect(trace(run(ep, rep(SPEECH, 3), 12))).toEqual([[14, 'speech_start']]);
  });

  it('reset starts a new stream and keeps turn ids unique', () => {
    const ep = new Endpointer();
    run(ep, rep(SPEECH, 5));
    expect(ep.phase).toBe('turn');
    ep.reset();
    expect(ep.phase).toBe('idle');
    const hits = run(ep, rep(SPEECH, 3), 0, 100_000);
    expect(hits[0]?.e).toMatchObject({ type: 'speech_start', turnId: 2, onsetSample: 100_000, startSample: 100_000 });
  });
});
