/**
 * Spells phrases in the model's BPE pieces without the sentencepiece model (the shared model ships only
 * `tokens.txt`): every way to cover a word with pieces, fewest pieces first (then longest first piece),
 * the best few kept, since the model may emit any of them. Pure.
 */
import { normalizeText } from './text.ts';
import { WORD_START, type TokenTable } from './tokens.ts';

/** Longest piece considered, in characters (the BPE-500 pieces are short). */
const MAX_PIECE = 16;

/** Segmentations of one word (`▁` + upper case), best first, at most `limit`. Empty when impossible. */
export function segmentWord(table: TokenTable, word: string, limit = 3): number[][] {
  const w = WORD_START + word.toUpperCase();
  // best[i]: up to `limit` segmentations of w[i..] with the fewest pieces, found right to left.
  const best: number[][][] = Array.from({ length: w.length + 1 }, () => []);
  best[w.length] = [[]];
  for (let i = w.length - 1; i >= 0; i--) {
    const options: number[][] = [];
    for (let j = Math.min(w.length, i + MAX_PIECE); j > i; j--) {
      const id = table.ids.get(w.slice(i, j));
      if (id === undefined) continue;
      for (const rest of best[j] ?? []) options.push([id, ...rest]);
    }
    // Stable sort keeps longer first pieces ahead among equal lengths (j loops downward).
    options.sort((a, b) => a.length - b.length);
    best[i] = options.slice(0, limit);
  }
  return best[0] ?? [];
}

/** A phrase spelled in pieces. */
export interface SpelledPhrase {
  /** Index of the phrase in the list given. */
  phrase: number;
  tokens: number[];
}

/**
 * Every spelling of every phrase: the cartesian product of the words' segmentations, best first, at
 * most `perPhrase` per phrase. A phrase with a word the pieces cannot spell is left out.
 */
export function spellPhrases(
  table: TokenTable,
  phrases: readonly string[],
  perWord = 3,
  perPhrase = 12,
): SpelledPhrase[] {
  const out: SpelledPhrase[] = [];
  phrases.forEach((text, phrase) => {
    const ws = normalizeText(text).split(' ').filter(Boolean);
    if (ws.length === 0) return;
    let spellings: number[][] = [[]];
    for (const w of ws) {
      const segs = segmentWord(table, w, perWord);
      if (segs.length === 0) return;
      const next: number[][] = [];
      for (const s of spellings) for (const g of segs) next.push([...s, ...g]);
      next.sort((a, b) => a.length - b.length);
      spellings = next.slice(0, perPhrase);
    }
    for (const tokens of spellings) out.push({ phrase, tokens });
  });
  return out;
}
