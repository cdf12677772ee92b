/**
 * Whisper's tokens, read from the model's files rather than hard-coded: the byte-level BPE *decoder*
 * (ids -> text) over tokenizer.json's vocabulary (GPT-2 style: every byte is one printable character), the
 * special tokens a transcription prompt needs (found by name among tokenizer.json's added tokens), and the
 * tokens greedy decoding suppresses (CTranslate2's config.json `suppress_ids` / `suppress_ids_begin`).
 * Pure: no Node or DOM APIs beyond `TextDecoder`.
 */
import { WhisperError } from './errors.ts';

/** Ids of the special tokens of a transcription prompt and of its end. */
export interface WhisperSpecialTokens {
  /** `<|endoftext|>`: the end of the transcript; every id from here up is a special token. */
  eot: number;
  /** `<|startoftranscript|>`. */
  sot: number;
  /** `<|en|>`. */
  english: number;
  /** `<|transcribe|>` (rather than translate). */
  transcribe: number;
  /** `<|notimestamps|>`; the ids after it, up to the model's vocabulary size, are timestamps. */
  noTimestamps: number;
}

/** Tokens greedy decoding never picks. */
export interface WhisperSuppression {
  /** At every step (config.json `suppress_ids`: non-speech symbols and task tokens). */
  always: readonly number[];
  /** At the first step only (config.json `suppress_ids_begin`: the bare space and `<|endoftext|>`). */
  atBegin: readonly number[];
}

const SPECIAL_NAMES: Readonly<Record<keyof WhisperSpecialTokens, string>> = {
  eot: '<|endoftext|>',
  sot: '<|startoftranscript|>',
  english: '<|en|>',
  transcribe: '<|transcribe|>',
  noTimestamps: '<|notimestamps|>',
};

/**
 * GPT-2's byte <-> character table inverted: printable Latin-1 bytes stand for themselves, the others
 * (control characters, space, 0x7f-0xa0, 0xad) for U+0100 upwards in byte order.
 */
function charToByte(): Map<string, number> {
  const map = new Map<string, number>();
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map.set(String.fromCodePoint(printable ? b : next++), b);
  }
  return map;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function parseJson(text: string, code: 'invalid_tokenizer' | 'invalid_config', what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new WhisperError(code, `${what} is not JSON`, { cause: e });
  }
  if (!isRecord(value)) throw new WhisperError(code, `${what} is not a JSON object`);
  return value;
}

function idList(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    throw new WhisperError('invalid_config', `config.json: ${name} is not a list of token ids`);
  }
  return value as number[];
}

export class WhisperTokenizer {
  readonly special: Readonly<WhisperSpecialTokens>;
  readonly suppression: Readonly<WhisperSuppression>;
  /** Byte strings of the text tokens (ids below `eot`), each char one byte in GPT-2's table. */
  readonly #pieces: (string | undefined)[];
  readonly #bytes = charToByte();
  readonly #utf8 = new TextDecoder('utf-8');

  private constructor(pieces: (string | undefined)[], special: WhisperSpecialTokens, suppression: WhisperSuppression) {
    this.#pieces = pieces;
    this.special = Object.freeze(special);
    this.suppression = Object.freeze(suppression);
  }

  /**
   * From the text of tokenizer.json (Hugging Face tokenizers, Whisper's byte-level BPE) and, when given,
   * CTranslate2's config.json. Without a config only `<|endoftext|>` and the bare space token are
   * suppressed at the first step and the special tokens at every step (the caller suppresses timestamps).
   * Throws a {@link WhisperError} (`invalid_tokenizer`, `invalid_config`) when a file does not fit.
   */
  static fromJson(tokenizerJson: string, configJson?: string): WhisperTokenizer {
    const doc = parseJson(tokenizerJson, 'invalid_tokenizer', 'tokenizer.json');
    const model = doc.model;
    if (!isRecord(model) || !isRecord(model.vocab)) {
      throw new WhisperError('invalid_tokenizer', 'tokenizer.json has no model.vocab');
    }
    const ids = new Map<string, number>();
    for (const [piece, id] of Object.entries(model.vocab)) if (typeof id === 'number') ids.set(piece, id);
    for (const added of Array.isArray(doc.added_tokens) ? (doc.added_tokens as unknown[]) : []) {
      if (isRecord(added) && typeof added.content === 'string' && typeof added.id === 'number') {
        ids.set(added.content, added.id);
      }
    }
    const special = {} as WhisperSpecialTokens;
    for (const [key, name] of Object.entries(SPECIAL_NAMES) as [keyof WhisperSpecialTokens, string][]) {
      const id = ids.get(name);
      if (id === undefined) throw new WhisperError('invalid_tokenizer', `tokenizer.json has no ${name}`);
      special[key] = id;
    }
    const pieces: (string | undefined)[] = new Array<string | undefined>(special.eot);
    for (const [piece, id] of ids) if (id >= 0 && id < special.eot) pieces[id] = piece;
    return new WhisperTokenizer(pieces, special, WhisperTokenizer.#suppression(ids, special, configJson));
  }

  static #suppression(ids: Map<string, number>, special: WhisperSpecialTokens, config?: string): WhisperSuppression {
    if (config !== undefined) {
      const doc = parseJson(config, 'invalid_config', 'config.json');
      return {
        always: idList(doc.suppress_ids, 'suppress_ids'),
        atBegin: idList(doc.suppress_ids_begin, 'suppress_ids_begin'),
      };
    }
    const always = [...ids.values()].filter((id) => id > special.eot && id <= special.noTimestamps);
    const space = ids.get('\u0120'); // 'Ġ': the byte 0x20 alone
    return { always, atBegin: space === undefined ? [special.eot] : [space, special.eot] };
  }

  /** Text of token ids. Special tokens (ids from `eot` up) and unknown ids are left out. */
  decode(tokens: readonly number[]): string {
    const bytes: number[] = [];
    for (const id of tokens) {
      if (id >= this.special.eot) continue;
      for (const ch of this.#pieces[id] ?? '') {
        const b = this.#bytes.get(ch);
        if (b !== undefined) bytes.push(b);
      }
    }
    return this.#utf8.decode(Uint8Array.from(bytes));
  }
}
