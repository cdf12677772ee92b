import { describe, expect, it } from 'vitest';
import { addTo, ResponseState, ResponseTable } from './response-table.ts';

describe('ResponseTable', () => {
  it('claims free slots, then the least recently claimed finished one that is not busy', () => {
    const t = new ResponseTable(2);
    const notBusy = (): boolean => false;
    const a = t.claim(10, notBusy);
    const b = t.claim(11, notBusy);
    expect(t.claim(10, notBusy)).toBe(a);
    expect(t.claim(12, notBusy)).toBe(-1);
    t.state[a] = ResponseState.done;
    t.state[b] = ResponseState.cancelled;
    expect(t.claim(12, (s) => s === a)).toBe(b);
    expect(t.find(11)).toBe(-1);
    expect(t.find(12)).toBe(b);
    expect(t.state[b]).toBe(ResponseState.open);
    expect(t.claim(NaN, notBusy)).toBe(-1);
    addTo(t.heard, b, 5);
    addTo(t.heard, b, 2);
    expect(t.heard[b]).toBe(7);
  });
});
