import { describe, expect, it } from 'vitest';
import { VadDetector, type VadDecision } from './vad-detector.ts';

const W = 1536; // one 32 ms window at 48 kHz
/** Feeds per-window probabilities starting at `origin`; returns the decisions with their window index. */
function feed(d: VadDetector, probs: number[], origin = 0): [number, VadDecision][] {
  const out: [number, VadDecision][] = [];
  probs.forEach((p, i) => {
    const r = d.push(p, origin + i * W, origin + (i + 1) * W);
    if (r) out.push([i, r]);
  });
  return out;
}

const opts = { threshold: 0.5, prefixPaddingSamples: 14_400, silenceSamples: 24_000 }; // 300 ms, 500 ms

describe('VadDetector', () => {
  it('starts after two speech windows, with the prefix padding before the first', () => {
    const d = new VadDetector(opts);
    const r = feed(d, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.9, 0.9]);
    expect(r).toEqual([[11, { type: 'speech_started', speechStart: 10 * W, audioStart: 10 * W - 14_400 }]]);
    expect(d.speaking).toBe(true);
  });

  it('ignores a one-window click and never reports a start before the origin', () => {
    const d = new VadDetector(opts, 1000);
    expect(feed(d, [0.9, 0.1, 0.9, 0.9], 1000)).toEqual([
      [3, { type: 'speech_started', speechStart: 1000 + 2 * W, audioStart: 1000 }],
    ]);
  });

  it('stops once silence has lasted silence_duration, and reports the end including the silence', () => {
    const d = new VadDetector(opts);
    const probs = [0.9, 0.9, 0.9, ...Array<number>(20).fill(0.1)];
    const r = feed(d, probs);
    const stop = r.find(([, x]) => x.type === 'speech_stopped');
    // Silence starts at window 3; 500 ms = 15.6 windows -> decided at the end of window 3 + 16 - 1 = 18.
    expect(stop).toEqual([18, { type: 'speech_stopped', audioEnd: 19 * W }]);
  });

  it('keeps speaking through probabilities between threshold - 0.15 and threshold, and resets', () => {
    const d = new VadDetector(opts);
    feed(d, [0.9, 0.9, ...Array<number>(30).fill(0.4)]);
    expect(d.speaking).toBe(true);
    d.reset();
    expect(d.speaking).toBe(false);
  });
});
