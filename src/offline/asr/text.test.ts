import { describe, expect, it } from 'vitest';
import { matchPhrase, nearestPhrase, similarity } from './phrase-match.ts';
import { editDistance, normalizeText, wordErrorRate, wordErrors } from './text.ts';

describe('text', () => {
  it('normalises punctuation, case, digits and titles', () => {
    expect(normalizeText('Set a timer for 10 minutes.')).toBe('set a timer for ten minutes');
    expect(normalizeText("  Mr. Quilter's  cold-hearted ‘test’ ")).toBe("mister quilter's cold hearted test");
    expect(normalizeText('…')).toBe('');
  });

  it('counts word errors and a corpus WER', () => {
    expect(editDistance(Array.from('kitten'), Array.from('sitting'))).toBe(3);
    expect(wordErrors('call my mother please', 'all my mother on the please')).toEqual({ errors: 3, words: 4 });
    expect(
      wordErrorRate([
        { reference: 'a b c d', hypothesis: 'a b c d' },
        { reference: 'e f', hypothesis: 'e x y' },
      ]),
    ).toBeCloseTo(2 / 6);
    expect(wordErrorRate([])).toBe(0);
  });
});

describe('phrase matching', () => {
  const phrases = ['Turn off the lights in the kitchen.', 'Open the front door.', 'What time is it?'];

  it('snaps a garbled command to its phrase with a confidence', () => {
    const m = matchPhrase('open the month norm', phrases);
    expect(m?.phrase).toBe('Open the front door.');
    expect(m?.similarity).toBeGreaterThan(0.6);
    expect(m?.margin).toBeGreaterThan(0.05);
    expect(similarity('What time is it', 'what time is it?')).toBe(1);
  });

  it('leaves open speech alone', () => {
    expect(matchPhrase('a golden fortune and a happy life', phrases)).toBeNull();
    expect(nearestPhrase('a golden fortune', phrases)?.similarity).toBeLessThan(0.5);
    expect(nearestPhrase('x', [])).toBeNull();
  });

  it('needs a margin over the runner-up', () => {
    expect(matchPhrase('ab', ['abc', 'abd'])).toBeNull();
    expect(matchPhrase('abc', ['abc'])?.margin).toBe(1);
  });
});
