import { describe, expect, it } from 'vitest';
import { onFirstGesture } from './gesture-unlock.ts';

describe('onFirstGesture', () => {
  it('runs once on the first gesture, then stops listening', () => {
    const t = new EventTarget();
    let n = 0;
    onFirstGesture(() => n++, t);
    t.dispatchEvent(new Event('keydown'));
    t.dispatchEvent(new Event('pointerdown'));
    expect(n).toBe(1);
  });
  it('can be cancelled before any gesture', () => {
    const t = new EventTarget();
    let n = 0;
    const cancel = onFirstGesture(() => n++, t);
    cancel();
    t.dispatchEvent(new Event('touchend'));
    expect(n).toBe(0);
  });
});
