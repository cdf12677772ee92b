/**
 * Post-hoc phrase matching: the declared phrase nearest to a transcript, by character edit distance
 * over the normalised text (spaces removed, so "invoke kitchen" still meets "in the kitchen"), with a
 * confidence. Pure.
 */
import { editDistance, normalizeText } from './text.ts';

export interface PhraseMatch {
  /** The phrase as declared. */
  phrase: string;
  index: number;
  /** 1 - edit distance / longer length, in [0, 1]. */
  similarity: number;
  /** `similarity` minus that of the runner-up (1 when there is only one phrase). */
  margin: number;
}

export interface MatchOptions {
  /** Smallest similarity that counts as a match. Default 0.6. */
  minSimilarity?: number;
  /** Smallest lead over the runner-up. Default 0.05. */
  minMargin?: number;
}

export const MATCH_DEFAULTS: Readonly<Required<MatchOptions>> = Object.freeze({ minSimilarity: 0.6, minMargin: 0.05 });

const letters = (s: string): string[] => Array.from(normalizeText(s).replaceAll(' ', ''));

/** Similarity of two texts, 1 - character edit distance / longer length (1 for two empty texts). */
export function similarity(a: string, b: string): number {
  const x = letters(a);
  const y = letters(b);
  const n = Math.max(x.length, y.length);
  return n === 0 ? 1 : 1 - editDistance(x, y) / n;
}

/** The nearest phrase, or null when none is similar enough or the best is not clearly ahead. */
export function matchPhrase(text: string, phrases: readonly string[], options: MatchOptions = {}): PhraseMatch | null {
  const o = { ...MATCH_DEFAULTS, ...options };
  const best = nearestPhrase(text, phrases);
  if (!best || best.similarity < o.minSimilarity || best.margin < o.minMargin) return null;
  return best;
}

/** The nearest phrase whatever its similarity (null only for an empty list). */
export function nearestPhrase(text: string, phrases: readonly string[]): PhraseMatch | null {
  let best: PhraseMatch | null = null;
  let second = 0;
  phrases.forEach((phrase, index) => {
    const s = similarity(text, phrase);
    if (!best || s > best.similarity) {
      if (best) second = Math.max(second, best.similarity);
      best = { phrase, index, similarity: s, margin: 0 };
    } else {
      second = Math.max(second, s);
    }
  });
  const b = best as PhraseMatch | null;
  if (!b) return null;
  return { ...b, margin: phrases.length === 1 ? 1 : b.similarity - second };
}
