import { describe, expect, it } from 'vitest';
import { ContextGraph, type ContextState } from './context-graph.ts';

/** Runs tokens through the graph; returns the total score change and the final state. */
function walk(g: ContextGraph, tokens: number[]): { score: number; state: ContextState; matched: number[] } {
  let state = g.root;
  let score = 0;
  const matched: number[] = [];
  for (const t of tokens) {
    const s = g.step(state, t);
    score += s.score;
    state = s.state;
    if (s.matched >= 0) matched.push(s.matched);
  }
  return { score, state, matched };
}

describe('ContextGraph', () => {
  const g = new ContextGraph(
    [
      [1, 2, 3],
      [2, 3, 4, 5],
      [7, 8],
    ],
    2,
  );

  it('earns the bonus per token along a phrase and keeps it when the phrase completes', () => {
    const r = walk(g, [1, 2, 3]);
    expect(r.score).toBe(6);
    expect(r.matched).toEqual([0]);
    expect(r.state).toBe(g.root);
    expect(g.finalize(r.state)).toBe(0);
  });

  it('gives the bonus back when the hypothesis leaves a prefix', () => {
    const r = walk(g, [7, 9]);
    expect(r.score).toBe(0);
    expect(r.state).toBe(g.root);
  });

  it('falls back to the longest suffix that is still a prefix (Aho-Corasick)', () => {
    // 1 2 then 4: neither "1 2 4" nor its suffixes "2 4", "4" start a phrase: all given back.
    expect(walk(g, [1, 2, 4]).score).toBe(0);
    // 1 2 3 completes phrase 0 (kept: +6), then 4 5 are not a prefix from the root.
    expect(walk(g, [1, 2, 3, 4, 5]).score).toBe(6);
    // Ending after 1 2: finalize gives the unfinished prefix back.
    const r = walk(g, [1, 2]);
    expect(r.score).toBe(4);
    expect(g.finalize(r.state)).toBe(-4);
  });

  it('moves to the other phrase on a shared suffix', () => {
    // 9 leaves nothing; 2 3 4 5 is phrase 1 (2 3 also starts it, not phrase 0, which needs the 1).
    const r = walk(g, [9, 2, 3, 4, 5]);
    expect(r.matched).toEqual([1]);
    expect(r.score).toBe(8);
  });

  it('maps several spellings to one phrase index and ignores empty phrases', () => {
    const h = new ContextGraph([[1, 2], [], [3]], 1, [5, 6, 5]);
    expect(walk(h, [1, 2]).matched).toEqual([5]);
    expect(walk(h, [3]).matched).toEqual([5]);
    expect(h.size).toBe(4);
  });
});
