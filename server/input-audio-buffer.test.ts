import { describe, expect, it } from 'vitest';
import { InputAudioBuffer } from './input-audio-buffer.ts';

const ramp = (from: number, n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

describe('InputAudioBuffer', () => {
  it('returns appended audio in order and empties itself', () => {
    const b = new InputAudioBuffer(1000);
    b.append(ramp(0, 3));
    b.append(new Int16Array(0));
    b.append(ramp(3, 4));
    expect(b.samples).toBe(7);
    expect(Array.from(b.take())).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(b.samples).toBe(0);
    expect(b.take().length).toBe(0);
    expect(b.end).toBe(7);
  });

  it('copies appended data so the caller may reuse its array', () => {
    const b = new InputAudioBuffer(1000);
    const a = ramp(10, 2);
    b.append(a);
    a[0] = 99;
    expect(Array.from(b.take())).toEqual([10, 11]);
  });

  it('drops and counts the oldest audio beyond maxMs', () => {
    const b = new InputAudioBuffer(1000, 5); // 5 samples
    b.append(ramp(0, 4));
    b.append(ramp(4, 4));
    expect(b.samples).toBe(5);
    expect(b.dropped).toBe(3);
    expect(b.start).toBe(3);
    expect(Array.from(b.take())).toEqual([3, 4, 5, 6, 7]);
  });

  it('addresses audio by absolute position: dropBefore and take(until) across chunks', () => {
    const b = new InputAudioBuffer(1000);
    b.append(ramp(0, 5));
    b.append(ramp(5, 5));
    b.append(ramp(10, 5));
    b.dropBefore(3);
    expect(b.start).toBe(3);
    expect(Array.from(b.take(12))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(b.start).toBe(12);
    expect(Array.from(b.take(100))).toEqual([12, 13, 14]);
    b.append(ramp(15, 2));
    b.clear();
    expect(b.samples).toBe(0);
    expect(b.start).toBe(17);
    expect(b.take(5).length).toBe(0);
  });
});

describe('InputAudioBuffer.peek', () => {
  it('copies from an absolute position to the end without consuming, clamped to what is buffered', () => {
    const b = new InputAudioBuffer(16_000);
    b.append(Int16Array.from([1, 2, 3]));
    b.append(Int16Array.from([4, 5]));
    expect([...b.peek(1)]).toEqual([2, 3, 4, 5]);
    expect([...b.peek(4)]).toEqual([5]);
    expect(b.samples).toBe(5);
    b.take(2);
    expect([...b.peek(0)]).toEqual([3, 4, 5]);
    expect(b.peek(9).length).toBe(0);
  });
});
