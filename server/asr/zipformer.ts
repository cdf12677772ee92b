/**
 * Offline use of a streaming zipformer transducer (sherpa-onnx export, e.g.
 * ../shared/models/kws-zipformer-gigaspeech-3.3M) in onnxruntime-node: Kaldi fbank features, encoder
 * chunks of 45 frames with a 32-frame hop and its caches carried between chunks, greedy transducer
 * search with a 2-token decoder context. The model directory is configured; nothing is downloaded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { fbank } from './fbank.ts';

const CHUNK = 45;
const HOP = 32;
const CONTEXT = 2;
const BLANK = 0;

export interface ModelFiles {
  encoder: string;
  decoder: string;
  joiner: string;
  tokens: string;
}

/** The file names of the shared gigaspeech model. */
export function modelFiles(dir: string): ModelFiles {
  return {
    encoder: join(dir, 'encoder.int8.fixed.onnx'),
    decoder: join(dir, 'decoder.onnx'),
    joiner: join(dir, 'joiner.int8.onnx'),
    tokens: join(dir, 'tokens.txt'),
  };
}

const opts: InferenceSession.SessionOptions = {
  interOpNumThreads: 1,
  intraOpNumThreads: 1,
  executionMode: 'sequential',
  executionProviders: ['cpu'],
};

export class ZipformerAsr {
  readonly #encoder: InferenceSession;
  readonly #decoder: InferenceSession;
  readonly #joiner: InferenceSession;
  readonly #tokens: string[];

  private constructor(enc: InferenceSession, dec: InferenceSession, join_: InferenceSession, tokens: string[]) {
    this.#encoder = enc;
    this.#decoder = dec;
    this.#joiner = join_;
    this.#tokens = tokens;
  }

  static async load(files: ModelFiles): Promise<ZipformerAsr> {
    const [enc, dec, jn] = await Promise.all([
      InferenceSession.create(files.encoder, opts),
      InferenceSession.create(files.decoder, opts),
      InferenceSession.create(files.joiner, opts),
    ]);
    const tokens: string[] = [];
    for (const line of readFileSync(files.tokens, 'utf8').split('\n')) {
      const m = /^(\S+)\s+(\d+)$/.exec(line.trim());
      if (m?.[1] !== undefined && m[2] !== undefined) tokens[Number(m[2])] = m[1];
    }
    return new ZipformerAsr(enc, dec, jn, tokens);
  }

  /** Transcribes 16 kHz mono audio in [-1, 1]. Returns lower-case text. */
  async transcribe(samples: Float32Array): Promise<string> {
    // Trailing silence flushes the encoder's right context, as sherpa-onnx's tail padding does.
    const padded = new Float32Array(samples.length + 16_000 * 0.6);
    padded.set(samples);
    const feats = fbank(padded);
    const states = this.#initialStates();
    const hyp: number[] = [];
    let decOut = await this.#decode([-1, BLANK]);
    for (let start = 0; start + CHUNK <= feats.frames; start += HOP) {
      const x = new Tensor('float32', feats.data.slice(start * 80, (start + CHUNK) * 80), [1, CHUNK, 80]);
      const out = await this.#encoder.run({ x, ...states });
      for (const name of this.#encoder.inputNames) {
        if (name === 'x') continue;
        const next = out[`new_${name}`];
        if (next) states[name] = next;
      }
      const enc = out.encoder_out;
      if (!enc) throw new Error('encoder produced no encoder_out');
      const [, frames = 0, dim = 0] = enc.dims;
      const encData = enc.data as Float32Array;
      for (let t = 0; t < frames; t++) {
        const frame = new Tensor('float32', encData.slice(t * dim, (t + 1) * dim), [1, dim]);
        const logits = (await this.#joiner.run({ encoder_out: frame, decoder_out: decOut })).logit?.data as
          Float32Array | undefined;
        if (!logits) throw new Error('joiner produced no logit');
        let best = 0;
        for (let i = 1; i < logits.length; i++) if ((logits[i] ?? -Infinity) > (logits[best] ?? -Infinity)) best = i;
        if (best !== BLANK) {
          hyp.push(best);
          decOut = await this.#decode([-1, BLANK, ...hyp].slice(-CONTEXT));
        }
      }
    }
    return hyp
      .map((id) => this.#tokens[id] ?? '')
      .join('')
      .replace(/▁/g, ' ')
      .trim()
      .toLowerCase();
  }

  async #decode(context: number[]): Promise<Tensor> {
    const y = new Tensor('int64', BigInt64Array.from(context.map((c) => BigInt(c))), [1, CONTEXT]);
    const out = (await this.#decoder.run({ y })).decoder_out;
    if (!out) throw new Error('decoder produced no decoder_out');
    return out;
  }

  #initialStates(): Record<string, Tensor> {
    const states: Record<string, Tensor> = {};
    for (const meta of this.#encoder.inputMetadata) {
      if (meta.name === 'x' || !meta.isTensor) continue;
      const dims = meta.shape.map((d) => (typeof d === 'number' ? d : 1));
      const size = dims.reduce((a, b) => a * b, 1);
      states[meta.name] =
        meta.name === 'processed_lens'
          ? new Tensor('int64', new BigInt64Array(size), dims)
          : new Tensor('float32', new Float32Array(size), dims);
    }
    return states;
  }
}
