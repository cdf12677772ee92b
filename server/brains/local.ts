/**
 * The `local` brain: offline speech in, speech out. ASR with a streaming zipformer transducer in
 * onnxruntime-node (model directory configured, default ../shared/models/kws-zipformer-gigaspeech-3.3M),
 * a small keyword responder, and Flite TTS. The model is weak on open dictation (see the model's
 * NOTICE.md); this brain is the offline reference pipeline, not a conversational model.
 */
import { ZipformerAsr, modelFiles } from '../asr/zipformer.ts';
import { ThreadedFlite } from '../tts/flite-threaded.ts';
import { PhraseCache, type Synthesizer } from '../tts/phrase-cache.ts';
import { SharedSpeechCache } from '../tts/shared-cache.ts';
import type { Brain, BrainTurn, ReplyPart } from './brain.ts';
import { respond } from './responder.ts';

const CHUNK_MS = 20;

/** Anything that turns 16 kHz audio into text. */
export interface Transcriber {
  transcribe(samples16k: Float32Array): Promise<string>;
}

/** 48 kHz (or any multiple of 16 kHz) 16-bit PCM to 16 kHz floats, with a 3-tap box low-pass. */
export function to16k(pcm: Int16Array, rate: number): Float32Array {
  const f = Math.max(1, Math.round(rate / 16_000));
  const out = new Float32Array(Math.floor(pcm.length / f));
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = 0; k < f; k++) s += pcm[i * f + k] ?? 0;
    out[i] = s / f / 32768;
  }
  return out;
}

export class LocalBrain implements Brain {
  readonly name = 'local';
  readonly sampleRate: number;
  readonly #asr: Transcriber;
  readonly #phrases: PhraseCache;

  constructor(asr: Transcriber, opts: { sampleRate?: number; tts?: Synthesizer } = {}) {
    this.sampleRate = opts.sampleRate ?? 48_000;
    this.#asr = asr;
    this.#phrases = new PhraseCache(
      opts.tts ?? new SharedSpeechCache(new ThreadedFlite(), 'flite slt'),
      this.sampleRate,
    );
  }

  async warm(): Promise<void> {
    await this.#phrases.get('I heard:');
  }

  static async load(modelDir: string): Promise<LocalBrain> {
    return new LocalBrain(await ZipformerAsr.load(modelFiles(modelDir)));
  }

  async *reply(turn: BrainTurn, signal: AbortSignal): AsyncIterable<ReplyPart> {
    let heard = turn.text ?? '';
    if (turn.audio && turn.text === null) {
      heard = await this.#asr.transcribe(to16k(turn.audio.pcm, turn.audio.sampleRate));
      if (signal.aborted) return;
      yield { type: 'input_transcript', text: heard };
    }
    const chunk = (this.sampleRate * CHUNK_MS) / 1000;
    const sentences = respond(heard);
    for (const [i, sentence] of sentences.entries()) {
      const pcm = await this.#phrases.get(sentence);
      yield { type: 'transcript', delta: i === 0 ? sentence : ` ${sentence}` };
      for (let at = 0; at < pcm.length; at += chunk) {
        if (isAborted(signal)) return;
        yield { type: 'audio', pcm: pcm.subarray(at, Math.min(at + chunk, pcm.length)) };
      }
    }
  }
}

const isAborted = (signal: AbortSignal): boolean => signal.aborted;
