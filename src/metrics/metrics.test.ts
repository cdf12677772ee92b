import { describe, expect, it } from 'vitest';
import { MetricsCollector } from './collector.ts';
import { percentile, summarize } from './percentile.ts';
import { deriveStages } from './timeline.ts';

describe('percentile', () => {
  it('is nearest-rank and ignores non-finite values', () => {
    const v = [5, 1, 4, 2, 3, Number.NaN];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 95)).toBe(5);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(summarize(v)).toEqual({ n: 5, p50: 3, p95: 5 });
  });

  it('p95 of 1..100 is 95', () => {
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });
});

describe('deriveStages', () => {
  it('derives every stage in ms from the audio-clock marks', () => {
    expect(
      deriveStages({
        speechStart: 1.0,
        speechEnd: 2.0,
        endpoint: 2.2,
        commitSent: 2.201,
        serverAck: 2.215,
        firstAudioReceived: 2.26,
        firstAudioPlayed: 2.27,
        bargeInOnset: 3.0,
        bargeInSilent: 3.05,
      }),
    ).toEqual({
      endpointing: 200,
      commit: 1,
      server_ack: 14,
      first_audio: 59,
      playout: 10,
      voice_to_voice: 270,
      barge_in_silence: 50,
    });
  });

  it('leaves out stages with missing or reversed marks', () => {
    expect(deriveStages({ speechEnd: 2, endpoint: 1.9, firstAudioPlayed: 2.3 })).toEqual({ voice_to_voice: 300 });
  });
});

describe('MetricsCollector', () => {
  it('keeps the first value of a mark, finishes turns and summarises them', () => {
    const c = new MetricsCollector();
    for (let i = 0; i < 20; i++) {
      const id = `t${i}`;
      c.mark(id, 'speechEnd', 10 * i);
      c.mark(id, 'firstAudioPlayed', 10 * i + 0.25 + i / 1000);
      c.mark(id, 'firstAudioPlayed', 10 * i + 5); // a late duplicate: ignored
      c.mark(id, 'endpoint', Number.NaN); // ignored
      c.finish(id);
    }
    expect(c.finish('nope')).toBeUndefined();
    const s = c.stats();
    expect(s.turns).toBe(20);
    expect(s.voice_to_voice?.n).toBe(20);
    expect(s.voice_to_voice?.p50).toBeCloseTo(259, 6);
    expect(s.voice_to_voice?.p95).toBeCloseTo(268, 6);
    expect(s.endpointing).toBeUndefined();
  });

  it('keeps a bounded history', () => {
    const c = new MetricsCollector(3);
    for (let i = 0; i < 5; i++) {
      c.mark(`t${i}`, 'speechEnd', i);
      c.finish(`t${i}`);
    }
    expect(c.turns().map((t) => t.turnId)).toEqual(['t2', 't3', 't4']);
  });
});
