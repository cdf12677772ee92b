/**
 * The server's recogniser: the shared streaming zipformer core (`src/offline/asr/`, also used by the
 * browser's on-device engine) on onnxruntime-node, loading the model from a configured directory (e.g.
 * ../shared/models/kws-zipformer-gigaspeech-3.3M). Nothing is downloaded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ortBackend } from '../../src/offline/asr/ort-types.ts';
import { ZipformerAsr as SharedAsr, type DecodeOptions } from '../../src/offline/asr/zipformer.ts';

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

export class ZipformerAsr {
  readonly #asr: SharedAsr;
  readonly #options: DecodeOptions;

  private constructor(asr: SharedAsr, options: DecodeOptions) {
    this.#asr = asr;
    this.#options = options;
  }

  /** Loads the model files; `options` apply to every `transcribe` (default: greedy search). */
  static async load(files: ModelFiles, options: DecodeOptions = {}): Promise<ZipformerAsr> {
    const backend = ortBackend(ort);
    const asr = await SharedAsr.create(backend, {
      encoder: readFileSync(files.encoder),
      decoder: readFileSync(files.decoder),
      joiner: readFileSync(files.joiner),
      tokens: readFileSync(files.tokens, 'utf8'),
    });
    return new ZipformerAsr(asr, options);
  }

  /** Transcribes 16 kHz mono audio in [-1, 1]. Returns lower-case text. */
  async transcribe(samples: Float32Array): Promise<string> {
    return (await this.#asr.transcribe(samples, this.#options)).text;
  }
}
