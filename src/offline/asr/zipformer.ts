/**
 * A streaming zipformer transducer (sherpa-onnx export, e.g. ../shared/models/kws-zipformer-gigaspeech-3.3M)
 * on any onnxruntime build ({@link OrtBackend}): Kaldi fbank features, encoder chunks of 45 frames with a
 * 32-frame hop and its caches carried between chunks, then greedy or (phrase-biased) beam search over
 * the encoder frames as they come. The model bytes are given by the caller; nothing is fetched here.
 */
import { ContextGraph } from './context-graph.ts';
import { fbank } from './fbank.ts';
import type { OrtBackend, OrtSessionLike, OrtTensorLike } from './ort-types.ts';
import { beamSearch, greedySearch, type Search, type TransducerNet } from './search.ts';
import { spellPhrases } from './segment.ts';
import { detokenize, parseTokens, type TokenTable } from './tokens.ts';

/** Feature frames per encoder chunk and the hop between chunks (the export's fixed shapes). */
const CHUNK = 45;
const HOP = 32;
const BINS = 80;
/** Silence appended to flush the encoder's right context, as sherpa-onnx's tail padding does (s). */
const TAIL_SECONDS = 0.6;

/** The model files, as bytes (and the token table as text). */
export interface ZipformerFiles {
  encoder: Uint8Array;
  decoder: Uint8Array;
  joiner: Uint8Array;
  tokens: string;
}

/** How to search. */
export interface DecodeOptions {
  /** `greedy` (fastest) or `beam` (modified beam search; phrase bias needs it). Default `beam` when
   * phrases are given, else `greedy`. */
  search?: 'greedy' | 'beam';
  /** Phrases to bias toward (beam search only), e.g. the app's commands. Default none. */
  phrases?: readonly string[];
  /** Bonus per phrase token, log-probability units. Default 1.5. */
  bonus?: number;
  /** Beam width. Default 4. */
  beam?: number;
}

export interface Transcript {
  /** Lower-case text. */
  text: string;
  tokens: number[];
  /** The declared phrase the beam search completed last, or null (no bias, or none completed). */
  phrase: string | null;
  /** Audio length in ms. */
  audioMs: number;
  /** Compute time in ms: features, encoder and search together. */
  computeMs: number;
}

function float32Of(t: OrtTensorLike | undefined, what: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`the model produced no ${what}`);
  return t.data;
}

export class ZipformerAsr {
  readonly tokens: TokenTable;
  readonly #backend: OrtBackend;
  readonly #encoder: OrtSessionLike;
  readonly #decoder: OrtSessionLike;
  readonly #joiner: OrtSessionLike;
  readonly #net: TransducerNet;
  #graphs = new Map<string, { graph: ContextGraph; phrases: string[] }>();

  private constructor(
    backend: OrtBackend,
    sessions: [OrtSessionLike, OrtSessionLike, OrtSessionLike],
    tokens: TokenTable,
    dim: number,
  ) {
    this.#backend = backend;
    [this.#encoder, this.#decoder, this.#joiner] = sessions;
    this.tokens = tokens;
    const dec = this.#decoder;
    const join = this.#joiner;
    this.#net = {
      contextSize: 2,
      blank: tokens.blank,
      vocabSize: tokens.pieces.length,
      dim,
      decode: async (contexts) => {
        const y = backend.int64(BigInt64Array.from(contexts.flat().map((c) => BigInt(c))), [contexts.length, 2]);
        return float32Of((await dec.run({ y })).decoder_out, 'decoder_out');
      },
      join: async (frame, decoderOut, n) => {
        const enc = new Float32Array(n * dim);
        for (let i = 0; i < n; i++) enc.set(frame, i * dim);
        const out = await join.run({
          encoder_out: backend.float32(enc, [n, dim]),
          decoder_out: backend.float32(decoderOut, [n, dim]),
        });
        return float32Of(out.logit, 'logit');
      },
    };
  }

  /** Loads the three sessions. Rejects when a model is not a valid ONNX model for this backend. */
  static async create(backend: OrtBackend, files: ZipformerFiles): Promise<ZipformerAsr> {
    const tokens = parseTokens(files.tokens);
    const made: OrtSessionLike[] = [];
    try {
      for (const bytes of [files.encoder, files.decoder, files.joiner]) made.push(await backend.createSession(bytes));
      const [encoder, decoder, joiner] = made;
      if (!encoder || !decoder || !joiner) throw new Error('a session is missing');
      // The decoder tells the width of its output (and so of the encoder frames).
      const y = backend.int64(BigInt64Array.from([-1n, BigInt(tokens.blank)]), [1, 2]);
      const dim = float32Of((await decoder.run({ y })).decoder_out, 'decoder_out').length;
      return new ZipformerAsr(backend, [encoder, decoder, joiner], tokens, dim);
    } catch (e) {
      await Promise.all(made.map((s) => s.release().catch(() => undefined)));
      throw e;
    }
  }

  /** Transcribes 16 kHz mono audio in [-1, 1]. */
  async transcribe(samples: Float32Array, options: DecodeOptions = {}): Promise<Transcript> {
    const t0 = performance.now();
    const padded = new Float32Array(samples.length + Math.round(16_000 * TAIL_SECONDS));
    padded.set(samples);
    const feats = fbank(padded);
    const bias = options.phrases && options.phrases.length > 0 ? this.#graph(options.phrases, options.bonus) : null;
    const mode = options.search ?? (bias ? 'beam' : 'greedy');
    const search: Search =
      mode === 'greedy'
        ? greedySearch(this.#net)
        : beamSearch(this.#net, { beam: options.beam ?? 4, context: bias?.graph ?? null });
    const states = this.#initialStates();
    const dim = this.#net.dim;
    for (let start = 0; start + CHUNK <= feats.frames; start += HOP) {
      const x = this.#backend.float32(feats.data.slice(start * BINS, (start + CHUNK) * BINS), [1, CHUNK, BINS]);
      const out = await this.#encoder.run({ x, ...states });
      for (const name of this.#encoder.inputNames) {
        if (name === 'x') continue;
        const next = out[`new_${name}`];
        if (next) states[name] = next;
      }
      const enc = float32Of(out.encoder_out, 'encoder_out');
      const frames = enc.length / dim;
      for (let t = 0; t < frames; t++) await search.push(enc.subarray(t * dim, (t + 1) * dim));
    }
    const r = search.result();
    return {
      text: detokenize(this.tokens, r.tokens),
      tokens: r.tokens,
      phrase: bias && r.phrase >= 0 ? (bias.phrases[r.phrase] ?? null) : null,
      audioMs: (samples.length / 16_000) * 1000,
      computeMs: performance.now() - t0,
    };
  }

  async release(): Promise<void> {
    await Promise.all([this.#encoder.release(), this.#decoder.release(), this.#joiner.release()]);
  }

  /** The context graph of a phrase list (cached: apps declare one list and keep it). */
  #graph(phrases: readonly string[], bonus = 1.5): { graph: ContextGraph; phrases: string[] } {
    const key = JSON.stringify([bonus, phrases]);
    let g = this.#graphs.get(key);
    if (!g) {
      const spelled = spellPhrases(this.tokens, phrases);
      g = {
        graph: new ContextGraph(
          spelled.map((s) => s.tokens),
          bonus,
          spelled.map((s) => s.phrase),
        ),
        phrases: [...phrases],
      };
      if (this.#graphs.size > 8) this.#graphs.clear();
      this.#graphs.set(key, g);
    }
    return g;
  }

  #initialStates(): Record<string, OrtTensorLike> {
    const states: Record<string, OrtTensorLike> = {};
    for (const meta of this.#encoder.inputMetadata) {
      if (meta.name === 'x' || !meta.isTensor) continue;
      const dims = (meta.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
      const size = dims.reduce((a, b) => a * b, 1);
      states[meta.name] =
        meta.name === 'processed_lens'
          ? this.#backend.int64(new BigInt64Array(size), dims)
          : this.#backend.float32(new Float32Array(size), dims);
    }
    return states;
  }
}
