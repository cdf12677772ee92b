/**
 * The model's output units (sentencepiece BPE pieces, `tokens.txt` of a sherpa-onnx export: one
 * `piece id` per line; `▁` marks the start of a word). Pure.
 */

/** Word-start marker of sentencepiece pieces. */
export const WORD_START = '▁';

/** A parsed token table. */
export interface TokenTable {
  /** Piece of each id (`pieces[id]`); ids without a line are empty strings. */
  readonly pieces: readonly string[];
  /** Id of each piece. */
  readonly ids: ReadonlyMap<string, number>;
  /** Id of `<blk>` (the transducer blank), 0 when the table has none. */
  readonly blank: number;
}

/** Parses `tokens.txt`. Throws a `RangeError` when it holds no token. */
export function parseTokens(text: string): TokenTable {
  const pieces: string[] = [];
  const ids = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)$/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const id = Number(m[2]);
    pieces[id] = m[1];
    ids.set(m[1], id);
  }
  if (ids.size === 0) throw new RangeError('tokens.txt holds no "piece id" line');
  for (let i = 0; i < pieces.length; i++) pieces[i] ??= '';
  return { pieces, ids, blank: ids.get('<blk>') ?? 0 };
}

/** Text of a token sequence: pieces joined, word markers to spaces, lower case, trimmed. */
export function detokenize(table: TokenTable, tokens: readonly number[]): string {
  return tokens
    .map((id) => table.pieces[id] ?? '')
    .join('')
    .replaceAll(WORD_START, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
