import { describe, expect, it } from 'vitest';
import { AudioHistory } from './audio-history.ts';
import { TurnPolicy, type TurnPolicyAction } from './turn-policy.ts';

const RATE = 16_000;
const HOP = 256;
const ms = (n: number): number => (n * RATE) / 1000;

function policy(): TurnPolicy {
  return new TurnPolicy({ firstAskMs: 200, reaskMs: 300, threshold: 0.5, sampleRate: RATE });
}

/** Runs frames from `from` to `to` (sample positions), answering each question with `model(pauseMs)`. */
function run(
  p: TurnPolicy,
  from: number,
  to: number,
  model: ((pauseMs: number) => number) | null,
): { asks: number[]; end: TurnPolicyAction | null; endAt: number } {
  const asks: number[] = [];
  for (let s = from; s <= to; s += HOP) {
    const a = p.frame(s);
    if (a?.type === 'end') return { asks, end: a, endAt: s };
    if (a?.type === 'ask') {
      asks.push(Math.round(a.pauseMs));
      if (model) {
        const r = p.answer(a.askId, model(a.pauseMs));
        if (r) return { asks, end: r, endAt: s };
      }
    }
  }
  return { asks, end: null, endAt: -1 };
}

describe('TurnPolicy', () => {
  it('asks at the first pause and ends the turn when the model says complete', () => {
    const p = policy();
    p.model = 'ready';
    p.event({ type: 'speech_start', turnId: 1, startSample: 0 });
    expect(p.frame(ms(500))).toBeNull(); // no pause yet
    p.event({ type: 'turn_ending', turnId: 1, endSample: ms(1000) });
    const r = run(p, ms(1100), ms(3000), () => 0.9);
    expect(r.asks).toHaveLength(1);
    expect(r.asks[0]).toBeGreaterThanOrEqual(200);
    expect(r.asks[0]).toBeLessThan(200 + 17);
    expect(r.end).toEqual({ type: 'end', turnId: 1, reason: 'model', probability: 0.9 });
  });

  it('"incomplete" keeps listening and asks again as the pause grows', () => {
    const p = policy();
    p.model = 'ready';
    p.event({ type: 'speech_start', turnId: 2, startSample: 0 });
    p.event({ type: 'turn_ending', turnId: 2, endSample: ms(1000) });
    // Incomplete until the pause is 800 ms long.
    const r = run(p, ms(1100), ms(4000), (pause) => (pause >= 800 ? 0.7 : 0.2));
    expect(r.asks.length).toBe(3); // ~200, ~500, ~800
    expect((r.asks[1] ?? 0) - (r.asks[0] ?? 0)).toBeGreaterThanOrEqual(300 - 16);
    expect(r.end?.type === 'end' && r.end.reason).toBe('model');
  });

  it('never ends the turn while the model says incomplete (the endpointer ceiling does)', () => {
    const p = policy();
    p.model = 'ready';
    p.event({ type: 'speech_start', turnId: 3, startSample: 0 });
    p.event({ type: 'turn_ending', turnId: 3, endSample: ms(1000) });
    const r = run(p, ms(1100), ms(3000), () => 0.1);
    expect(r.end).toBeNull();
    expect(r.asks.length).toBeGreaterThanOrEqual(6);
  });

  it('drops an answer that comes after the user resumed, and one question at a time', () => {
    const p = policy();
    p.model = 'ready';
    p.event({ type: 'speech_start', turnId: 4, startSample: 0 });
    p.event({ type: 'turn_ending', turnId: 4, endSample: ms(1000) });
    const ask = p.frame(ms(1210));
    expect(ask?.type).toBe('ask');
    // Still in flight: no second question even far later.
    expect(p.frame(ms(1900))).toBeNull();
    p.event({ type: 'turn_resumed', turnId: 4 });
    expect(ask?.type === 'ask' && p.answer(ask.askId, 0.99)).toBeNull();
    // A new pause asks afresh.
    p.event({ type: 'turn_ending', turnId: 4, endSample: ms(3000) });
    expect(p.frame(ms(3100))).toBeNull();
    expect(p.frame(ms(3205))?.type).toBe('ask');
  });

  it('without a model (none, or it failed) keeps the silence rule at firstAskMs', () => {
    const p = policy();
    p.event({ type: 'speech_start', turnId: 5, startSample: 0 });
    p.event({ type: 'turn_ending', turnId: 5, endSample: ms(1000) });
    const r = run(p, ms(1100), ms(2000), null);
    expect(r.end).toEqual({ type: 'end', turnId: 5, reason: 'silence', probability: null });
    expect(r.endAt).toBeGreaterThanOrEqual(ms(1200));
    expect(r.endAt).toBeLessThan(ms(1200) + HOP);
    // A failed question switches to the silence rule.
    const q = policy();
    q.model = 'ready';
    q.event({ type: 'speech_start', turnId: 6, startSample: 0 });
    q.event({ type: 'turn_ending', turnId: 6, endSample: ms(1000) });
    const ask = q.frame(ms(1200));
    expect(ask?.type).toBe('ask');
    if (ask?.type === 'ask') q.failed(ask.askId);
    expect(q.model).toBe('none');
    expect(q.frame(ms(1216))?.type).toBe('end');
  });

  it('while the model loads, waits (no end before the ceiling) and asks once it is ready', () => {
    const p = policy();
    p.model = 'loading';
    p.event({ type: 'speech_start', turnId: 8, startSample: 0 });
    p.event({ type: 'turn_ending', turnId: 8, endSample: ms(1000) });
    expect(run(p, ms(1100), ms(1900), null)).toEqual({ asks: [], end: null, endAt: -1 });
    p.model = 'ready';
    const a = p.frame(ms(1916));
    expect(a?.type).toBe('ask');
    expect(a?.type === 'ask' && Math.round(a.pauseMs)).toBe(916);
  });

  it('ignores a turn_ending of another turn, and misfires end the pause', () => {
    const p = policy();
    p.model = 'ready';
    p.event({ type: 'speech_start', turnId: 7, startSample: 0 });
    p.event({ type: 'turn_ending', turnId: 6, endSample: ms(1000) });
    expect(p.frame(ms(1500))).toBeNull();
    p.event({ type: 'turn_ending', turnId: 7, endSample: ms(1000) });
    p.event({ type: 'misfire', turnId: 7 });
    expect(p.frame(ms(1500))).toBeNull();
  });

  it('rejects bad options', () => {
    expect(() => new TurnPolicy({ firstAskMs: 200, reaskMs: 0, threshold: 0.5, sampleRate: RATE })).toThrow(RangeError);
    expect(() => new TurnPolicy({ firstAskMs: 200, reaskMs: 300, threshold: 2, sampleRate: RATE })).toThrow(RangeError);
    expect(() => new TurnPolicy({ firstAskMs: Number.NaN, reaskMs: 300, threshold: 0.5, sampleRate: RATE })).toThrow(
      RangeError,
    );
  });
});

describe('AudioHistory', () => {
  it('reads the window that ends at a position, zeros before the turn start and what it never held', () => {
    const h = new AudioHistory(1000);
    for (let pos = 0; pos < 3000; pos += 100) {
      const hop = new Float32Array(100);
      for (let i = 0; i < 100; i++) hop[i] = pos + i;
      h.write(hop, pos);
    }
    const out = new Float32Array(400);
    expect(h.read(out, 2500)).toBe(400);
    expect(out[0]).toBe(2100);
    expect(out[399]).toBe(2499);
    expect(h.read(out, 2500, 2300)).toBe(200);
    expect(out[199]).toBe(0);
    expect(out[200]).toBe(2300);
    // Older than the buffer: zeros.
    const big = new Float32Array(1500);
    expect(h.read(big, 3000)).toBe(1000);
    expect(big[499]).toBe(0);
    expect(big[500]).toBe(2000);
    // A gap forgets the past.
    h.write(new Float32Array(100).fill(7), 5000);
    expect(h.read(out, 5100)).toBe(100);
    expect(out[299]).toBe(0);
    expect(out[300]).toBe(7);
  });
});
