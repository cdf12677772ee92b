import { describe, expect, it } from 'vitest';
import { CatchUp } from './catch-up.ts';

const opts = { skipAfterSamples: 16_000, keepSamples: 512 };

describe('CatchUp', () => {
  it('works through a shrinking start-up backlog, then says live once', () => {
    const c = new CatchUp(opts);
    c.attach(80_000); // 5 s kept while the model loaded
    expect(c.check(0, 80_000)).toEqual({ action: 'none' });
    // The backlog may grow by up to skipAfterSamples while it is worked through.
    expect(c.check(10_000, 100_000)).toEqual({ action: 'none' });
    expect(c.check(95_000, 100_000)).toEqual({ action: 'live' });
    expect(c.live).toBe(true);
    expect(c.check(96_000, 100_000)).toEqual({ action: 'none' });
    expect(c.skips).toBe(0);
  });

  it('skips to the present when the start-up backlog grows by more than the limit', () => {
    const c = new CatchUp(opts);
    c.attach(80_000);
    const d = c.check(1_000, 97_001); // 96,001 behind > 80,000 + 16,000
    expect(d).toEqual({ action: 'skip', to: 97_001 - 512, skipped: 97_001 - 512 - 1_000, phase: 'startup' });
    expect(c.live).toBe(true);
    expect(c.skips).toBe(1);
    expect(c.skippedSamples).toBe(97_001 - 512 - 1_000);
  });

  it('skips a live VAD at once past the limit, and only past it', () => {
    const c = new CatchUp(opts);
    c.attach(0);
    expect(c.check(0, 100)).toEqual({ action: 'live' });
    expect(c.check(0, 16_000)).toEqual({ action: 'none' });
    expect(c.check(0, 16_001)).toMatchObject({ action: 'skip', to: 16_001 - 512, phase: 'live' });
    expect(c.check(16_001 - 512, 16_100)).toEqual({ action: 'none' });
  });

  it('refuses options that cannot work', () => {
    expect(() => new CatchUp({ skipAfterSamples: 0, keepSamples: 0 })).toThrow(RangeError);
    expect(() => new CatchUp({ skipAfterSamples: 512, keepSamples: 512 })).toThrow(RangeError);
  });
});

describe('CatchUp when the ring laps the reader', () => {
  it('skips at once when lapped, even inside the start-up allowance', () => {
    const c = new CatchUp(opts);
    c.attach(160_000); // a full 10 s ring at attach: the start-up limit alone would never be exceeded
    expect(c.check(10_000, 170_000)).toEqual({ action: 'none' });
    expect(c.check(10_000, 170_000, true)).toMatchObject({ action: 'skip', to: 170_000 - 512, phase: 'startup' });
  });
});
