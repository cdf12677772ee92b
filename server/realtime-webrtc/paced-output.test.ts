import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PacedOutput } from './paced-output.ts';

const ramp = (n: number, from = 0): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

describe('PacedOutput', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands the queue to the track one 10 ms frame at a time, in order, on the clock', async () => {
    const frames: Int16Array[] = [];
    const out = new PacedOutput(48_000, (f) => frames.push(f));
    await out.write(ramp(1000)); // 20.8 ms: three frames, the last zero-padded
    expect(frames).toHaveLength(1); // the first frame goes at once
    await vi.advanceTimersByTimeAsync(10);
    expect(frames).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(frames).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(100);
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.length === 480)).toBe(true);
    const all = Int16Array.from(frames.flatMap((f) => Array.from(f)));
    expect(all.subarray(0, 1000)).toEqual(ramp(1000));
    expect(all.subarray(1000).every((x) => x === 0)).toBe(true);
  });

  it('keeps a short queue: write waits beyond it, drain waits for the playout', async () => {
    const frames: Int16Array[] = [];
    const out = new PacedOutput(48_000, (f) => frames.push(f), 40);
    let written = false;
    void out.write(ramp(480 * 10)).then(() => (written = true)); // 100 ms, over the 40 ms queue
    await vi.advanceTimersByTimeAsync(30);
    expect(written).toBe(false);
    await vi.advanceTimersByTimeAsync(40);
    expect(written).toBe(true);
    expect(frames).toHaveLength(8); // 20 ms still queued
    let drained = false;
    void out.drain().then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(5);
    expect(drained).toBe(false);
    await vi.advanceTimersByTimeAsync(30);
    expect(drained).toBe(true);
    expect(frames).toHaveLength(10);
  });

  it('clear drops the queue at once, says how much, and releases writers and drainers', async () => {
    const frames: Int16Array[] = [];
    const out = new PacedOutput(48_000, (f) => frames.push(f), 40);
    const writing = out.write(ramp(480 * 10));
    const draining = out.drain();
    expect(out.clear()).toBeCloseTo(90, 5); // one frame went out at once
    await writing;
    await draining;
    await vi.advanceTimersByTimeAsync(100);
    expect(frames).toHaveLength(1);
  });

  it('continuous: silent frames on the clock between replies, the reply in order when it comes', async () => {
    const frames: Int16Array[] = [];
    const out = new PacedOutput(48_000, (f) => frames.push(f), 200, { continuous: true });
    out.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(frames.length).toBeGreaterThanOrEqual(5);
    expect(frames.length).toBeLessThanOrEqual(6);
    expect(frames.every((f) => f.length === 480 && f.every((x) => x === 0))).toBe(true);
    const before = frames.length;
    await out.write(ramp(960, 1)); // goes out from the next tick of the running clock
    await vi.advanceTimersByTimeAsync(20);
    const reply = frames.slice(before, before + 2);
    expect(Int16Array.from(reply.flatMap((f) => Array.from(f)))).toEqual(ramp(960, 1));
    await vi.advanceTimersByTimeAsync(100);
    expect(frames.length - before).toBeGreaterThanOrEqual(11); // silence again, never a stall
    out.close();
    const closed = frames.length;
    await vi.advanceTimersByTimeAsync(100);
    expect(frames.length).toBe(closed);
  });
});
