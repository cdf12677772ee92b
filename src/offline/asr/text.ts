/**
 * Text normalisation and word error rate (pure), shared by phrase matching, tests and benchmarks.
 */

const SPELLED_OUT: Readonly<Record<string, string>> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  '10': 'ten',
  mr: 'mister',
  mrs: 'missus',
  dr: 'doctor',
};

/**
 * Lower case, apostrophes kept inside words, every other punctuation mark a space, single digits, 10 and
 * the titles mr/mrs/dr spelled out, whitespace collapsed: "Set a timer for 10 minutes." -> "set a timer for ten minutes".
 */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, '$1')
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => SPELLED_OUT[w] ?? w)
    .join(' ');
}

/** Words of the normalised text. */
export function words(text: string): string[] {
  const n = normalizeText(text);
  return n ? n.split(' ') : [];
}

/** Levenshtein distance between two sequences (substitution, insertion, deletion cost 1). */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Word errors of `hypothesis` against `reference` (after {@link normalizeText}) and the reference length. */
export function wordErrors(reference: string, hypothesis: string): { errors: number; words: number } {
  const ref = words(reference);
  return { errors: editDistance(ref, words(hypothesis)), words: ref.length };
}

/** Corpus word error rate: total errors over total reference words (0 when there are none). */
export function wordErrorRate(pairs: readonly { reference: string; hypothesis: string }[]): number {
  let errors = 0;
  let total = 0;
  for (const p of pairs) {
    const e = wordErrors(p.reference, p.hypothesis);
    errors += e.errors;
    total += e.words;
  }
  return total === 0 ? 0 : errors / total;
}
