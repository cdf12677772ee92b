import { describe, expect, it } from 'vitest';
import { RoundRobin } from './round-robin.ts';

describe('RoundRobin', () => {
  it('gives every upstream its turn first, and lists each once per connection', () => {
    const rr = new RoundRobin(['a', 'b', 'c']);
    expect(rr.order(0)).toEqual(['a', 'b', 'c']);
    expect(rr.order(0)).toEqual(['b', 'c', 'a']);
    expect(rr.order(0)).toEqual(['c', 'a', 'b']);
    expect(rr.order(0)).toEqual(['a', 'b', 'c']);
  });

  it('tries an upstream that refused a connection last, until downMs passed or it accepted one', () => {
    const rr = new RoundRobin(['a', 'b'], 1000);
    rr.failed('a', 100);
    expect(rr.isDown('a', 500)).toBe(true);
    expect(rr.order(500)).toEqual(['b', 'a']);
    expect(rr.order(500)).toEqual(['b', 'a']);
    // downMs later it takes its turns again.
    expect(rr.order(1100)).toEqual(['a', 'b']);
    rr.failed('b', 1200);
    rr.succeeded('b');
    expect(rr.isDown('b', 1300)).toBe(false);
    expect(rr.order(1300)).toEqual(['b', 'a']);
  });

  it('when every upstream is down, still tries all, the one that failed longest ago first', () => {
    const rr = new RoundRobin(['a', 'b', 'c'], 5000);
    rr.failed('b', 10);
    rr.failed('c', 20);
    rr.failed('a', 30);
    expect(rr.order(40)).toEqual(['b', 'c', 'a']);
  });

  it('refuses an empty list', () => {
    expect(() => new RoundRobin([])).toThrow(RangeError);
  });
});
