import { describe, expect, it } from 'vitest';
import { CaptionPacer } from './caption-pacer.ts';

describe('CaptionPacer', () => {
  it('releases each delta once playback reached it', () => {
    const p = new CaptionPacer();
    p.add(0, 'Hello ');
    p.add(400, 'there, ');
    p.add(900, 'friend.');
    expect(p.due(1000)).toBe(''); // audio not started
    expect(p.nextDueAt()).toBeNull();
    p.started(1000);
    expect(p.due(1000)).toBe('Hello ');
    expect(p.nextDueAt()).toBe(1400);
    expect(p.due(1399)).toBe('');
    expect(p.due(1950)).toBe('there, friend.');
    expect(p.nextDueAt()).toBeNull();
  });

  it('a cut drops what was not heard; finish releases the rest', () => {
    const p = new CaptionPacer();
    p.started(0);
    p.add(0, 'a');
    p.add(500, 'b');
    p.add(1000, 'c');
    expect(p.due(600)).toBe('ab');
    expect(p.cut()).toBe(1);
    expect(p.finish()).toBe('');
    p.add(2000, 'd');
    expect(p.finish()).toBe('d');
  });
});
