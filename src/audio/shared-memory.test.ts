import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSharedBuffer } from './shared-memory.ts';

describe('isSharedBuffer', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('tells shared from plain memory', () => {
    expect(isSharedBuffer(new SharedArrayBuffer(8))).toBe(true);
    expect(isSharedBuffer(new ArrayBuffer(8))).toBe(false);
  });

  it('answers false instead of throwing where SharedArrayBuffer is not defined (no COOP/COEP)', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(typeof SharedArrayBuffer).toBe('undefined');
    expect(isSharedBuffer(new ArrayBuffer(8))).toBe(false);
  });
});
