import { describe, expect, it } from 'vitest';
import { modelBytes } from '../node-models.test-util.ts';
import { segmentWord, spellPhrases } from './segment.ts';
import { detokenize, parseTokens } from './tokens.ts';

const table = parseTokens(
  ['<blk> 0', '▁THE 1', '▁T 2', 'HE 3', 'H 4', 'E 5', '▁KIT 6', 'CHEN 7', 'C 8', "' 9", 'S 10'].join('\n'),
);

describe('segmentWord / spellPhrases', () => {
  it('prefers the fewest pieces, then the longest first piece, and keeps alternatives', () => {
    expect(segmentWord(table, 'the')).toEqual([[1], [2, 3], [2, 4, 5]]);
    expect(segmentWord(table, 'the', 1)).toEqual([[1]]);
    expect(segmentWord(table, 'kitchen')).toEqual([[6, 7]]);
    expect(segmentWord(table, 'xyz')).toEqual([]);
  });

  it('spells phrases as the product of their words, and skips the unspellable', () => {
    const s = spellPhrases(table, ['The kitchen', 'xyz kitchen', "kitchen's"]);
    expect(s.filter((p) => p.phrase === 0).map((p) => p.tokens)).toEqual([
      [1, 6, 7],
      [2, 3, 6, 7],
      [2, 4, 5, 6, 7],
    ]);
    expect(s.some((p) => p.phrase === 1)).toBe(false);
    expect(s.find((p) => p.phrase === 2)?.tokens).toEqual([6, 7, 9, 10]);
  });

  it('spells real commands with the model pieces so that they read back', () => {
    const real = parseTokens(new TextDecoder().decode(modelBytes('tokens')));
    expect(real.blank).toBe(0);
    for (const phrase of ['turn off the lights in the kitchen', 'set a timer for ten minutes', "don't stop"]) {
      const [best] = spellPhrases(real, [phrase]);
      expect(best && detokenize(real, best.tokens)).toBe(phrase);
    }
  });
});
