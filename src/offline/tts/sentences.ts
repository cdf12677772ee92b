/**
 * Splits a reply into the pieces synthesised one after another, so the first audio is out after one
 * short piece instead of the whole reply. Pure.
 */

/** Pieces longer than this are split again at commas, then at spaces, in characters. Default 120. */
export const MAX_PIECE_CHARS = 120;

/**
 * Sentences of `text` (split after `.`, `!`, `?`, `;` followed by a space), long ones at commas, still
 * long ones at spaces; the first piece is kept short (`firstMaxChars`, default 60) because it alone
 * delays the first audio. Empty pieces are dropped; joined with spaces they give back the words.
 */
export function splitSpeech(text: string, firstMaxChars = 60, maxChars = MAX_PIECE_CHARS): string[] {
  const sentences = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?;])\s+/)
    .filter((s) => s.length > 0);
  const out: string[] = [];
  for (const s of sentences) {
    const limit = out.length === 0 ? firstMaxChars : maxChars;
    out.push(...splitLong(s, limit, maxChars));
  }
  return out;
}

function splitLong(s: string, firstLimit: number, limit: number): string[] {
  if (s.length <= firstLimit) return [s];
  const parts: string[] = [];
  let rest = s;
  while (rest.length > (parts.length === 0 ? firstLimit : limit)) {
    const max = parts.length === 0 ? firstLimit : limit;
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf(', ');
    if (cut > 0) cut += 1;
    else cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}
