import { describe, expect, it } from 'vitest';
import { MicArrival } from './mic-arrival.ts';

describe('MicArrival', () => {
  it('reports no audio before the first frame, then the age of the last and the run up to it', () => {
    const m = new MicArrival();
    expect(m.report(100)).toEqual({ 'sotto:audio_age_ms': -1, 'sotto:audio_run_ms': 0 });
    for (let t = 1000; t <= 3000; t += 20) m.frame(t);
    expect(m.report(3050)).toEqual({ 'sotto:audio_age_ms': 50, 'sotto:audio_run_ms': 2000 });
  });

  it('a gap of over half a second starts a new run', () => {
    const m = new MicArrival();
    for (let t = 0; t <= 1000; t += 20) m.frame(t);
    for (let t = 2000; t <= 2400; t += 20) m.frame(t);
    expect(m.report(2400)).toEqual({ 'sotto:audio_age_ms': 0, 'sotto:audio_run_ms': 400 });
  });
});
