import { describe, expect, it } from 'vitest';
import { JitterBuffer, JitterBufferError, PlaybackEvent, type JitterBufferOptions } from './jitter-buffer.ts';
import { Prng } from './prng.ts';

const RATE = 48000;
const Q = 128;
const Q_MS = (Q / RATE) * 1000;

/** Canary of sample `i` of response `id`: exact in Float32, never 0. */
function canary(id: number, i: number): number {
  return (((i * 2654435761 + id * 97) % 8191) + 1) / 16384;
}

function chunkOf(id: number, from: number, n: number): Float32Array {
  const c = new Float32Array(n);
  for (let i = 0; i < n; i++) c[i] = canary(id, from + i);
  return c;
}

/** Drives a buffer on a simulated clock, one render quantum per step. */
class Harness {
  readonly jb: JitterBuffer;
  readonly out = new Float32Array(Q);
  readonly events: number[] = [];
  readonly output: number[] = [];
  now = 0;

  constructor(options: Partial<JitterBufferOptions> = {}) {
    this.jb = new JitterBuffer({ sampleRate: RATE, ...options });
  }

  pull(quanta = 1): number {
    let ev = 0;
    for (let q = 0; q < quanta; q++) {
      const e = this.jb.pull(this.out, this.now);
      this.events.push(e);
      ev |= e;
      for (const x of this.out) this.output.push(x);
      this.now += Q_MS;
    }
    return ev;
  }
}

describe('JitterBuffer construction', () => {
  it('rejects unknown sample rates and bad options with typed errors', () => {
    expect(() => new JitterBuffer({ sampleRate: 44100.5 })).toThrow(
      expect.objectContaining({ name: 'JitterBufferError', code: 'unsupported_sample_rate' }),
    );
    for (const bad of [
      { minDelayMs: -1 },
      { quantile: 0 },
      { fadeFrames: 0 },
      { fadeFrames: 256 },
      { maxResponses: 0 },
    ]) {
      expect(() => new JitterBuffer({ sampleRate: RATE, ...bad })).toThrow(JitterBufferError);
    }
  });
});

describe('JitterBuffer playout', () => {
  it('plays every sample in order after the target delay, with random chunk sizes and no underrun (seeded)', () => {
    const rng = new Prng(3);
    const h = new Harness();
    let sent = 0;
    const total = RATE * 3;
    // Chunks are sent in real time (no jitter): chunk k arrives when its media time has passed.
    for (let step = 0; step < 1600; step++) {
      while (sent < total && (sent / RATE) * 1000 <= h.now) {
        const n = Math.min(total - sent, rng.int(1, 3000));
        h.jb.push(chunkOf(1, sent, n), h.now, 1);
        sent += n;
      }
      if (sent === total) h.jb.end(1);
      h.pull();
    }
    const first = h.output.findIndex((x) => x !== 0);
    expect((first / RATE) * 1000).toBeGreaterThanOrEqual(20);
    expect((first / RATE) * 1000).toBeLessThan(20 + 2 * Q_MS);
    // Between the fade-in and the fade-out of the end, samples are the canaries, in order.
    const fade = 64;
    for (let i = fade; i < total - fade; i++) {
      if (h.output[first + i] !== canary(1, i)) throw new Error(`sample ${i} is ${h.output[first + i]}`);
    }
    expect(h.output[first + total - 1]).toBeCloseTo(canary(1, total - 1) / 65, 6);
    expect(h.output[first + total]).toBe(0);
    expect(h.jb.stats.underruns).toBe(0);
    expect(h.jb.playedSamples(1)).toBe(total);
    expect(h.jb.playedPosition(1)).toBe(total);
    expect(h.events.filter((e) => e & PlaybackEvent.started)).toHaveLength(1);
    expect(h.events.filter((e) => e & PlaybackEvent.drained)).toHaveLength(1);
    expect(h.jb.lastStartedId).toBe(1);
    expect(h.jb.lastDrainedId).toBe(1);
    expect(h.jb.targetDelayMs).toBe(20);
  });

  it('fades in and out over fadeFrames around an underrun, without a jump', () => {
    const h = new Harness({ fadeFrames: 32 });
    h.jb.push(new Float32Array(Q * 20).fill(0.5), 0, 7);
    h.pull(10);
    const start = h.output.findIndex((x) => x !== 0);
    expect(h.output[start]).toBeCloseTo(0.5 / 33, 6);
    expect(h.output[start + 40]).toBe(0.5);
    const ev = h.pull(25);
    expect(ev & PlaybackEvent.underrun).toBeTruthy();
    expect(h.jb.lastUnderrunId).toBe(7);
    const end = h.output.lastIndexOf(0.5);
    for (let i = end + 1; i < end + 34; i++) {
      expect(Math.abs((h.output[i] ?? 0) - (h.output[i - 1] ?? 0))).toBeLessThan(0.5 / 16);
    }
    expect(h.output[end + 33]).toBe(0);
    expect(h.jb.stats.underruns).toBe(1);
    h.pull(3);
    expect(h.jb.stats.underruns).toBe(1);
    expect(h.jb.stats.underrunSamples).toBeGreaterThan(0);
    h.jb.push(new Float32Array(Q * 4).fill(0.5), h.now, 7);
    h.pull();
    expect(h.out[0]).toBeCloseTo(0.5 / 33, 6);
    expect(h.jb.playedSamples(7)).toBe(Q * 20 + Q);
  });

  it('flush() silences the next quantum after a fade and drops that response for good', () => {
    const h = new Harness();
    h.jb.push(new Float32Array(RATE).fill(0.5), 0, 1);
    h.pull(20);
    expect(h.out[Q - 1]).toBe(0.5);
    const played = h.jb.playedSamples(1);
    h.jb.flush();
    expect(h.pull() & PlaybackEvent.flushed).toBeTruthy();
    expect(h.out[0]).toBeGreaterThan(0.45);
    for (let i = 64; i < Q; i++) expect(h.out[i]).toBe(0);
    expect(h.jb.playedSamples(1)).toBe(played);
    expect(h.jb.bufferedSamples).toBe(0);
    expect(h.jb.stats.flushedSamples).toBe(RATE - played);
    expect(h.jb.push(new Float32Array(100), h.now, 1)).toBe(0);
    expect(h.jb.stats.cancelledChunks).toBe(1);
    expect(h.jb.stats.cancelledSamples).toBe(100);
    h.pull(10);
    expect(h.output.slice(-10 * Q).every((x) => x === 0)).toBe(true);
    // A new response plays normally.
    h.jb.push(new Float32Array(Q * 40).fill(0.25), h.now, 2);
    expect(h.pull(20) & PlaybackEvent.started).toBeTruthy();
    expect(h.out[Q - 1]).toBe(0.25);
  });

  it('cancel() drops a response before, while and after it is queued; the next one plays', () => {
    const h = new Harness();
    h.jb.cancel(5);
    expect(h.jb.push(new Float32Array(100), 0, 5)).toBe(0);
    h.jb.push(new Float32Array(Q * 10).fill(0.5), 0, 6);
    h.jb.end(6);
    h.jb.push(new Float32Array(Q * 10).fill(0.25), 0, 8);
    h.jb.push(new Float32Array(Q * 10).fill(0.75), 0, 9);
    h.jb.end(9);
    h.jb.cancel(8);
    h.pull(40);
    expect(h.output).toContain(0.5);
    expect(h.output).not.toContain(0.25);
    expect(h.output).toContain(0.75);
    expect(h.jb.playedSamples(8)).toBe(0);
    expect(h.jb.stats.cancelledSamples).toBe(100);
    expect(h.jb.stats.flushedSamples).toBe(Q * 10);
    // Cancelling the playing response fades it out on the next pull.
    h.jb.push(new Float32Array(RATE).fill(0.5), h.now, 10);
    h.pull(20);
    h.jb.cancel(10);
    expect(h.pull() & PlaybackEvent.flushed).toBeTruthy();
    expect(h.out[Q - 1]).toBe(0);
  });

  it('plays responses back to back: drained then started', () => {
    const h = new Harness();
    h.jb.push(new Float32Array(Q * 10).fill(0.5), 0, 1);
    h.jb.push(new Float32Array(Q * 10).fill(0.25), 0, 2);
    h.jb.end(2);
    h.pull(40);
    const drained = h.events.findIndex((e) => e & PlaybackEvent.drained);
    expect((h.events[drained] ?? 0) & PlaybackEvent.started).toBeTruthy();
    expect(h.jb.lastDrainedId).toBe(2);
    expect(h.jb.playedSamples(1)).toBe(Q * 10);
    expect(h.jb.playedSamples(2)).toBe(Q * 10);
    expect(h.jb.push(new Float32Array(10), h.now, 1)).toBe(0);
    expect(h.jb.stats.lateChunks).toBe(1);
  });
});

describe('JitterBuffer bad input', () => {
  it('counts empty chunks, non-finite samples, bad timestamps and bad ids without crashing', () => {
    const h = new Harness();
    expect(h.jb.push(new Float32Array(0), 0, 1)).toBe(0);
    expect(h.jb.push(Float32Array.of(NaN, 1, Infinity), NaN, 1)).toBe(3);
    expect(h.jb.push(new Float32Array(3), 0, NaN)).toBe(0);
    const s = h.jb.stats;
    expect([s.emptyChunks, s.nonFiniteSamples, s.badTimestamps, s.rejectedChunks]).toEqual([1, 2, 1, 1]);
    h.jb.end(1);
    h.pull(2);
    expect(h.output.every((x) => Number.isFinite(x))).toBe(true);
    expect(h.jb.playedSamples(1)).toBe(3);
  });

  it('places chunks by offset: gaps play as silence, overlaps and duplicates are dropped', () => {
    const h = new Harness({ fadeFrames: 1 });
    h.jb.push(new Float32Array(Q * 2).fill(0.5), 0, 1, 0);
    h.jb.push(new Float32Array(Q * 2).fill(0.5), 0, 1, Q * 3);
    h.jb.push(new Float32Array(Q * 2).fill(0.25), 0, 1, Q * 4);
    h.jb.push(new Float32Array(Q).fill(0.25), 0, 1, Q * 2);
    h.jb.end(1);
    expect(h.jb.stats.lostSamples).toBe(Q);
    expect(h.jb.stats.lateSamples).toBe(Q * 2);
    expect(h.jb.stats.lateChunks).toBe(1);
    h.pull(20);
    const first = h.output.findIndex((x) => x !== 0);
    const played = h.output.slice(first, first + Q * 6);
    expect(played.slice(0, Q * 2).every((x, i) => i === 0 || x === 0.5)).toBe(true);
    expect(played.slice(Q * 2, Q * 3).every((x) => x === 0)).toBe(true);
    expect(played.slice(Q * 3 + 1, Q * 5).every((x) => x === 0.5)).toBe(true);
    expect(played.slice(Q * 5, Q * 6 - 1).every((x) => x === 0.25)).toBe(true);
    expect(h.jb.playedPosition(1)).toBe(Q * 6);
  });

  it('counts overflow when the buffer is full, and refuses ids when every slot is busy', () => {
    const h = new Harness({ capacitySeconds: 0.01, maxResponses: 2 });
    expect(h.jb.push(new Float32Array(1000), 0, 1)).toBe(480);
    expect(h.jb.stats.overflowSamples).toBe(520);
    h.jb.push(new Float32Array(1), 0, 2);
    expect(h.jb.push(new Float32Array(1), 0, 3)).toBe(0);
    expect(h.jb.stats.rejectedChunks).toBe(1);
  });
});

describe('JitterBuffer delay policy', () => {
  it('raises the target with arrival jitter and keeps the floor without it', () => {
    const rng = new Prng(11);
    const h = new Harness();
    for (let k = 0; k < 200; k++) h.jb.push(new Float32Array(960), k * 20 + rng.exponential(20), 1, k * 960);
    expect(h.jb.targetDelayMs).toBeGreaterThan(60);
    expect(h.jb.targetDelayMs).toBeLessThan(150);
    const calm = new Harness();
    for (let k = 0; k < 200; k++) calm.jb.push(new Float32Array(960), k * 20, 1, k * 960);
    expect(calm.jb.targetDelayMs).toBe(20);
  });

  it('catches up after an underrun by dropping no more than the silence it played', () => {
    const h = new Harness();
    const chunk = new Float32Array(960).fill(0.5);
    let k = 0;
    const send = (until: number): void => {
      for (; k * 20 <= until; k++) h.jb.push(chunk, h.now, 1, k * 960);
    };
    for (let step = 0; step < 100; step++) {
      send(h.now);
      h.pull();
    }
    // A 200 ms stall, then everything at once.
    const stall = h.now;
    while (h.now < stall + 200) h.pull();
    for (let step = 0; step < 400; step++) {
      send(h.now);
      h.pull();
    }
    const s = h.jb.stats;
    expect(s.underruns).toBe(1);
    expect(s.catchUpSamples).toBeGreaterThan(0);
    expect(s.catchUpSamples).toBeLessThanOrEqual(s.underrunSamples);
    expect(h.events.some((e) => e & PlaybackEvent.catchUp)).toBe(true);
    expect(h.jb.playedPosition(1)).toBe(h.jb.playedSamples(1) + s.catchUpSamples);
    // Back to about the target: what is buffered beyond it is under the margin.
    expect((h.jb.bufferedSamples / RATE) * 1000).toBeLessThan(h.jb.targetDelayMs + 20 + 20 + Q_MS);
  });

  it('never drops audio of a source that sends faster than real time', () => {
    const h = new Harness();
    for (let k = 0; k < 50; k++) h.jb.push(chunkOf(3, k * 4800, 4800), k, 3);
    h.jb.end(3);
    h.pull(Math.ceil((RATE * 5.2) / Q));
    expect(h.jb.stats.catchUpSamples).toBe(0);
    expect(h.jb.stats.underruns).toBe(0);
    expect(h.jb.playedSamples(3)).toBe(RATE * 5);
    expect(h.events.filter((e) => e & PlaybackEvent.drained)).toHaveLength(1);
  });

  it('does not replay a lost chunk that underrun silence already covered', () => {
    const h = new Harness({ minDelayMs: 5 });
    const chunk = new Float32Array(960).fill(0.5);
    for (let k = 0; k < 150; k++) {
      if (k !== 75) h.jb.push(chunk, k * 20, 1, k * 960);
      while (h.now < (k + 1) * 20) h.pull();
    }
    const s = h.jb.stats;
    expect(s.lostSamples).toBe(960);
    expect(s.concealedLossSamples).toBeGreaterThan(0);
    expect(s.underrunSamples - s.concealedLossSamples).toBeLessThan(2 * Q);
  });

  it('zeroes the part of out beyond maxPullFrames', () => {
    const jb = new JitterBuffer({ sampleRate: RATE, maxPullFrames: 64, fadeFrames: 16 });
    jb.push(new Float32Array(RATE).fill(0.5), 0, 1);
    const out = new Float32Array(Q).fill(9);
    for (let t = 0; t < 100; t += 1) jb.pull(out, t);
    expect(out[63]).toBe(0.5);
    expect(out[64]).toBe(0);
  });
});
