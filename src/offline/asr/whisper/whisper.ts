/**
 * Whisper (e.g. base, converted from the PyPI CTranslate2 release by scripts/models/whisper-base.mjs) on any
 * onnxruntime build ({@link OrtBackend}): log-mel features of one 30 s window, the encoder once (it also
 * projects the cross-attention keys and values of every decoder layer), then greedy decoding in English,
 * transcribe task, no timestamps, the decoder recomputing the prompt and text so far at every step.
 * The model bytes are given by the caller; nothing is fetched here. No Node or DOM APIs.
 */
import type { OrtBackend, OrtSessionLike, OrtTensorLike } from '../ort-types.ts';
import { WhisperError } from './errors.ts';
import { N_FRAMES, N_MELS, N_SAMPLES, WHISPER_SAMPLE_RATE, logMelSpectrogram } from './log-mel.ts';
import { WhisperTokenizer } from './tokenizer.ts';

/** The model files: the ONNX graphs as bytes, tokenizer.json and (optional) CTranslate2 config.json as text. */
export interface WhisperFiles {
  /** `mel [1,80,3000]` -> `cross_k`, `cross_v` (see scripts/models/ct2_whisper_to_onnx.py). */
  encoder: Uint8Array;
  /** `tokens [1,T]` int64, `cross_k`, `cross_v` -> `logits [1,V]` of the last position. */
  decoder: Uint8Array;
  tokenizer: string;
  /** Its `suppress_ids` / `suppress_ids_begin` lists; without it only special tokens are suppressed. */
  config?: string;
}

/** How to decode. */
export interface WhisperDecodeOptions {
  /** Most text tokens per transcript (a runaway repetition stops here). Default 224, at most 444. */
  maxTokens?: number;
}

export interface WhisperTranscript {
  /** The text as Whisper writes it (cased, punctuated, numerals as digits), trimmed. */
  text: string;
  /** Text token ids (without prompt and end token). */
  tokens: number[];
  /** Audio length in ms. */
  audioMs: number;
  /** Compute time in ms: features, encoder and decoding together. */
  computeMs: number;
}

/** Positions of the decoder's learned position table (Whisper's text context). */
const TEXT_CONTEXT = 448;
const DEFAULT_MAX_TOKENS = 224;
const ENCODER_INPUTS = ['mel'];
const DECODER_INPUTS = ['tokens', 'cross_k', 'cross_v'];

function tensorOf(t: OrtTensorLike | undefined, what: string): OrtTensorLike {
  if (!t) throw new WhisperError('model_output', `the model produced no ${what}`);
  return t;
}

export class WhisperAsr {
  readonly tokenizer: WhisperTokenizer;
  readonly #backend: OrtBackend;
  readonly #encoder: OrtSessionLike;
  readonly #decoder: OrtSessionLike;
  /** 1 where a token may never be picked; sized on the first decoder run (the vocabulary). */
  #suppressed: Uint8Array | null = null;

  private constructor(
    backend: OrtBackend,
    encoder: OrtSessionLike,
    decoder: OrtSessionLike,
    tokenizer: WhisperTokenizer,
  ) {
    this.#backend = backend;
    this.#encoder = encoder;
    this.#decoder = decoder;
    this.tokenizer = tokenizer;
  }

  /**
   * Loads both sessions. Rejects with a {@link WhisperError} when the tokenizer or config does not fit
   * (`invalid_tokenizer`, `invalid_config`) or a graph lacks the expected inputs (`invalid_model`), and with
   * the backend's error when a file is not a valid ONNX model.
   */
  static async create(backend: OrtBackend, files: WhisperFiles): Promise<WhisperAsr> {
    const tokenizer = WhisperTokenizer.fromJson(files.tokenizer, files.config);
    const made: OrtSessionLike[] = [];
    try {
      for (const [bytes, inputs, name] of [
        [files.encoder, ENCODER_INPUTS, 'encoder'],
        [files.decoder, DECODER_INPUTS, 'decoder'],
      ] as const) {
        const session = await backend.createSession(bytes);
        made.push(session);
        const missing = inputs.filter((i) => !session.inputNames.includes(i));
        if (missing.length > 0) {
          throw new WhisperError(
            'invalid_model',
            `the ${name} has no input ${missing.join(', ')} (inputs: ${session.inputNames.join(', ')}); ` +
              'expected the graphs of scripts/models/ct2_whisper_to_onnx.py',
          );
        }
      }
      const [encoder, decoder] = made;
      if (!encoder || !decoder) throw new WhisperError('invalid_model', 'a session is missing');
      return new WhisperAsr(backend, encoder, decoder, tokenizer);
    } catch (e) {
      await Promise.all(made.map((s) => s.release().catch(() => undefined)));
      throw e;
    }
  }

  /**
   * Transcribes 16 kHz mono audio in [-1, 1], at most 30 s (one window; longer audio throws a
   * `RangeError`, split it first). Greedy, English, no timestamps.
   */
  async transcribe(audio: Float32Array, options: WhisperDecodeOptions = {}): Promise<WhisperTranscript> {
    const t0 = performance.now();
    if (audio.length > N_SAMPLES) {
      throw new RangeError(
        `WhisperAsr transcribes at most ${N_SAMPLES / WHISPER_SAMPLE_RATE} s per call, got ${(audio.length / WHISPER_SAMPLE_RATE).toFixed(2)} s`,
      );
    }
    const { sot, english, transcribe, noTimestamps, eot } = this.tokenizer.special;
    const prompt = [sot, english, transcribe, noTimestamps];
    const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_TOKENS, TEXT_CONTEXT - prompt.length);
    const mel = this.#backend.float32(logMelSpectrogram(audio), [1, N_MELS, N_FRAMES]);
    const enc = await this.#encoder.run({ mel });
    const crossK = tensorOf(enc.cross_k, 'cross_k');
    const crossV = tensorOf(enc.cross_v, 'cross_v');
    const ids = prompt.map((id) => BigInt(id));
    const text: number[] = [];
    while (text.length < maxTokens) {
      const tokens = this.#backend.int64(BigInt64Array.from(ids), [1, ids.length]);
      const out = await this.#decoder.run({ tokens, cross_k: crossK, cross_v: crossV });
      const logits = tensorOf(out.logits, 'logits').data;
      if (!(logits instanceof Float32Array)) throw new WhisperError('model_output', 'logits are not float32');
      const next = this.#pick(logits, text.length === 0);
      if (next === eot) break;
      text.push(next);
      ids.push(BigInt(next));
    }
    return {
      text: this.tokenizer.decode(text).trim(),
      tokens: text,
      audioMs: (audio.length / WHISPER_SAMPLE_RATE) * 1000,
      computeMs: performance.now() - t0,
    };
  }

  async release(): Promise<void> {
    await Promise.all([this.#encoder.release(), this.#decoder.release()]);
  }

  /** The most likely token that is not suppressed (timestamps and task tokens never; blank/end at the start). */
  #pick(logits: Float32Array, first: boolean): number {
    const suppressed = this.#suppression(logits.length);
    const { atBegin } = this.tokenizer.suppression;
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < logits.length; i++) {
      const score = logits[i] ?? -Infinity;
      if (score > bestScore && suppressed[i] === 0 && !(first && atBegin.includes(i))) {
        best = i;
        bestScore = score;
      }
    }
    if (best < 0) throw new WhisperError('model_output', 'every token is suppressed or not a number');
    return best;
  }

  #suppression(vocab: number): Uint8Array {
    if (this.#suppressed?.length === vocab) return this.#suppressed;
    const mask = new Uint8Array(vocab);
    for (const id of this.tokenizer.suppression.always) if (id < vocab) mask[id] = 1;
    // <|notimestamps|> and every timestamp token after it.
    mask.fill(1, Math.min(this.tokenizer.special.noTimestamps, vocab));
    this.#suppressed = mask;
    return mask;
  }
}
