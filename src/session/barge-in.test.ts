import { describe, expect, it } from 'vitest';
import { BargeIn, type BargeInOptions } from './barge-in.ts';

function rig(opts: BargeInOptions = {}) {
  const log: string[] = [];
  const b = new BargeIn(
    opts,
    { positive: 0.5, negative: 0.35 },
    {
      duck: (g) => log.push(`duck ${g}`),
      restore: () => log.push('restore'),
      confirm: (t) => log.push(`confirm ${t.toFixed(3)}`),
    },
  );
  /** Frames from `from` s, 32 ms each, with these probabilities. */
  const frames = (from: number, probs: number[]): void => {
    probs.forEach((p, k) => {
      b.frame(from + k * 0.032, p);
    });
  };
  return { b, log, frames };
}

describe('BargeIn', () => {
  it('ducks at once and confirms when the user is still speaking after interruptConfirmMs', () => {
    const { b, log, frames } = rig();
    expect(b.speechStart(1.0, true)).toBe(true);
    expect(log).toEqual(['duck 0']);
    frames(1.0, [0.9, 0.9, 0.9, 0.9, 0.9]); // frame ends 1.032 .. 1.16: not due
    expect(log).toEqual(['duck 0']);
    frames(1.16, [0.9]); // ends 1.192 < 1.2
    expect(b.phase).toBe('pending');
    frames(1.192, [0.8]); // ends 1.224 >= 1.2, voiced
    expect(log).toEqual(['duck 0', 'confirm 1.000']);
    expect(b.phase).toBe('confirmed');
    frames(1.3, [0.9, 0.1]);
    expect(log).toHaveLength(2);
  });

  it('restores after a cough: silent at the decision frame, and still silent holdAfterMs later', () => {
    const { b, log, frames } = rig();
    b.speechStart(2.0, true);
    frames(2.0, [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1]); // the last ends at 2.224: silent -> releasing
    expect(log).toEqual(['duck 0']);
    expect(b.phase).toBe('releasing');
    frames(2.224, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]); // 2.256 .. 2.48 < 2.524
    expect(log).toEqual(['duck 0']);
    frames(2.5, [0.1]); // ends 2.532 >= 2.524
    expect(log).toEqual(['duck 0', 'restore']);
    expect(b.phase).toBe('idle');
  });

  it('"Stop, … that is enough": speech within the hold confirms, from the first onset', () => {
    const { b, log, frames } = rig();
    b.speechStart(1.0, true);
    frames(1.0, [0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1]); // silent at the decision (ends 1.224)
    expect(b.phase).toBe('releasing');
    frames(1.224, [0.2, 0.8]); // the user goes on
    expect(log).toEqual(['duck 0', 'confirm 1.000']);
    // The same when the endpointer reports the pause, then a new onset.
    const r = rig();
    r.b.speechStart(3.0, true);
    r.b.speechStopped(3.15);
    expect(r.b.phase).toBe('releasing');
    expect(r.b.speechStart(3.4, true)).toBe(true);
    expect(r.log).toEqual(['duck 0', 'confirm 3.000']);
  });

  it('waits through neutral frames up to decideWithinMs, then restores', () => {
    const { b, log, frames } = rig({ decideWithinMs: 64, holdAfterMs: 0 });
    b.speechStart(0, true);
    frames(0, [0.9, 0.9, 0.9]); // to 0.096
    frames(0.096, [0.4, 0.4, 0.4]); // to 0.192, neutral
    frames(0.192, [0.4]); // due: the last three frames are neutral
    expect(log).toEqual(['duck 0']);
    frames(0.224, [0.4]); // 0.256 < 0.264
    expect(log).toEqual(['duck 0']);
    frames(0.256, [0.4]); // 0.288 >= 0.264
    expect(log).toEqual(['duck 0', 'restore']);
  });

  it('a one-frame dip at the decision (a plosive, a comma) still confirms', () => {
    const { b, log, frames } = rig();
    b.speechStart(0, true);
    frames(0, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9]); // to 0.192
    frames(0.192, [0.1]); // due: silent, but the frames before it were voiced
    expect(log).toEqual(['duck 0', 'confirm 0.000']);
  });

  it('ducks on the first hint of speech over the agent; without a speech_start it comes straight back', () => {
    const { b, log, frames } = rig();
    b.frame(5.0, 0.4, 0.032, true); // a hint while the agent speaks
    expect(log).toEqual(['duck 0']);
    frames(5.016, [0.2, 0.1, 0.1, 0.1, 0.1, 0.1]); // ... 5.208 + 0.032 >= 5.2: no onset followed
    expect(log).toEqual(['duck 0', 'restore']);
    // A hint that becomes speech: confirmed from the hint.
    const r = rig();
    r.b.frame(7.0, 0.4, 0.032, true);
    expect(r.b.speechStart(7.05, true)).toBe(true);
    r.frames(7.1, [0.9, 0.9, 0.9, 0.9]);
    expect(r.log).toEqual(['duck 0', 'confirm 7.000']);
    // Not while the agent is silent.
    const q = rig();
    q.b.frame(1.0, 0.9, 0.032, false);
    expect(q.log).toEqual([]);
  });

  it('ducks when the mic gets duckRiseDb louder than its floor, before Silero calls it speech ("Stop")', () => {
    const { b, log, frames } = rig();
    b.frame(4.968, 0.01, 0.032, true, 12); // room noise: nothing
    b.frame(4.984, 0.01, 0.032, true, 40); // a click: one hop only
    b.frame(5.0, 0.01, 0.032, true, 12);
    expect(log).toEqual([]);
    b.frame(5.0, 0.01, 0.032, true, 25); // the "S" of "Stop": loud, not yet speech ...
    expect(log).toEqual([]);
    b.frame(5.016, 0.02, 0.032, true, 30); // ... for a second hop
    expect(log).toEqual(['duck 0']);
    frames(5.032, [0.1, 0.3]);
    expect(b.speechStart(5.1, true)).toBe(true); // Silero catches up on the vowel
    frames(5.1, [0.9, 0.9, 0.9, 0.9, 0.9]);
    expect(log).toEqual(['duck 0', 'confirm 5.016']);
    // A loud noise that never becomes speech costs the agent interruptConfirmMs, no more.
    const r = rig();
    r.b.frame(1.984, 0.05, 0.032, true, 40);
    r.b.frame(2.0, 0.05, 0.032, true, 40);
    r.frames(2.016, [0.05, 0.05, 0.05, 0.05, 0.05, 0.05]);
    expect(r.log).toEqual(['duck 0', 'restore']);
    // Off with Infinity; never while the agent is silent.
    const q = rig({ duckRiseDb: Number.POSITIVE_INFINITY });
    q.b.frame(1.0, 0.05, 0.032, true, 60);
    q.b.frame(1.016, 0.05, 0.032, true, 60);
    const z = rig();
    z.b.frame(1.0, 0.05, 0.032, false, 60);
    z.b.frame(1.016, 0.05, 0.032, false, 60);
    expect([...q.log, ...z.log]).toEqual([]);
  });

  it('level hints that no speech follows (echo leaking through) turn level hints off, not Silero hints', () => {
    const { b, log, frames } = rig();
    const noise = (t: number): void => {
      b.frame(t, 0.05, 0.032, true, 30);
      b.frame(t + 0.016, 0.05, 0.032, true, 30);
      frames(t + 0.032, [0.05, 0.05, 0.05, 0.05, 0.05, 0.05]);
    };
    noise(1);
    noise(40); // the first one is more than 30 s ago: counting starts again
    noise(50);
    expect(b.levelHintsOff).toBe(false);
    noise(60); // 3 within 30 s
    expect(b.levelHintsOff).toBe(true);
    expect(log.filter((l) => l === 'duck 0')).toHaveLength(4);
    noise(61); // ignored now
    expect(log.filter((l) => l === 'duck 0')).toHaveLength(4);
    b.frame(70, 0.6, 0.032, true, 30); // a Silero hint still ducks
    expect(log.at(-1)).toBe('duck 0');
  });

  it('a neutral frame followed by a voiced one confirms', () => {
    const { b, log, frames } = rig();
    b.speechStart(0, true);
    frames(0.192, [0.4, 0.7]);
    expect(log).toEqual(['duck 0', 'confirm 0.000']);
  });

  it('does nothing when the agent is silent, or when disabled', () => {
    const { b, log } = rig();
    expect(b.speechStart(0, false)).toBe(false);
    b.enabled = false;
    expect(b.speechStart(0, true)).toBe(false);
    expect(log).toEqual([]);
  });

  it('disabling while pending restores', () => {
    const { b, log } = rig();
    b.speechStart(0, true);
    b.enabled = false;
    expect(log).toEqual(['duck 0', 'restore']);
  });

  it('a pause or the end of the turn while pending restores; the reply ending resets', () => {
    const { b, log } = rig({ duckGain: 0.1 });
    b.speechStart(0, true);
    b.speechStopped();
    expect(log).toEqual(['duck 0.1', 'restore']);
    b.speechStart(1, true);
    b.agentStopped();
    expect(log).toEqual(['duck 0.1', 'restore', 'duck 0.1', 'restore']);
    b.speechStopped();
    expect(log).toHaveLength(4);
  });

  it('a second onset while pending does not duck twice (the agent stays ducked)', () => {
    const { b, log } = rig();
    b.speechStart(0, true);
    expect(b.speechStart(0.1, true)).toBe(true);
    expect(log).toEqual(['duck 0']);
  });

  it('after a confirmed interruption a new reply can be interrupted again', () => {
    const { b, log, frames } = rig();
    b.speechStart(0, true);
    frames(0.2, [0.9]);
    b.agentStopped();
    b.speechStart(5, true);
    expect(log).toEqual(['duck 0', 'confirm 0.000', 'duck 0']);
  });
});
