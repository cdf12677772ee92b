import { describe, expect, it } from 'vitest';
import { ContextGraph } from './context-graph.ts';
import { beamSearch, greedySearch, type TransducerNet } from './search.ts';

/**
 * A scripted transducer over 4 tokens (0 = blank). Frame t's logits depend on the frame only (a toy
 * acoustic model): `script[t]` gives log-probabilities of tokens 0..3. The decoder output encodes the
 * last token, so the test can check the contexts it was asked for.
 */
function scripted(script: number[][]): TransducerNet & { contexts: number[][] } {
  const contexts: number[][] = [];
  return {
    contextSize: 2,
    blank: 0,
    vocabSize: 4,
    dim: 1,
    contexts,
    decode(cs) {
      contexts.push(...cs.map((c) => [...c]));
      return Promise.resolve(Float32Array.from(cs.map((c) => c[1] ?? 0)));
    },
    join(frame, _dec, n) {
      const row = script[frame[0] ?? 0] ?? [0, -9, -9, -9];
      const out = new Float32Array(n * 4);
      for (let i = 0; i < n; i++) out.set(row, i * 4);
      return Promise.resolve(out);
    },
  };
}

const frame = (t: number): Float32Array => Float32Array.of(t);
const P = (...p: number[]): number[] => p.map(Math.log);

describe('transducer search', () => {
  const script = [
    P(0.1, 0.7, 0.1, 0.1),
    P(0.9, 0.05, 0.025, 0.025),
    P(0.1, 0.1, 0.45, 0.35),
    P(0.95, 0.02, 0.02, 0.01),
  ];

  it('greedy takes the best token per frame and asks the decoder for the 2-token context', async () => {
    const net = scripted(script);
    const s = greedySearch(net);
    for (let t = 0; t < script.length; t++) await s.push(frame(t));
    const r = s.result();
    expect(r.tokens).toEqual([1, 2]);
    expect(r.frames).toBe(4);
    expect(r.logProb).toBeCloseTo(Math.log(0.7 * 0.9 * 0.45 * 0.95), 5);
    expect(net.contexts).toEqual([
      [-1, 0],
      [0, 1],
      [1, 2],
    ]);
  });

  it('beam search agrees with greedy on a clear case and merges equal hypotheses', async () => {
    const s = beamSearch(scripted(script), { beam: 4 });
    for (let t = 0; t < script.length; t++) await s.push(frame(t));
    expect(s.result().tokens).toEqual([1, 2]);
  });

  it('a phrase bonus turns a close call toward the declared phrase', async () => {
    const run = async (graph: ContextGraph | null): Promise<number[]> => {
      const s = beamSearch(scripted(script), { beam: 4, context: graph });
      for (let t = 0; t < script.length; t++) await s.push(frame(t));
      return s.result().tokens;
    };
    expect(await run(null)).toEqual([1, 2]);
    const biased = new ContextGraph([[1, 3]], 1.5);
    expect(await run(biased)).toEqual([1, 3]);
    // An unfinished phrase earns nothing: a bias toward "1 3 2" (never completed) leaves 1 2.
    expect(await run(new ContextGraph([[1, 3, 2, 2]], 0.1))).toEqual([1, 2]);
    expect(
      await (async () => {
        const s = beamSearch(scripted(script), { context: biased });
        for (let t = 0; t < script.length; t++) await s.push(frame(t));
        return s.result().phrase;
      })(),
    ).toBe(0);
  });
});
