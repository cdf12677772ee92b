import { resample, trimSilence } from './pcm.ts';
import type { Speech } from './flite.ts';

/** Anything that turns text into speech, synchronously or not. */
export interface Synthesizer {
  synthesize(text: string): Speech | Promise<Speech>;
}

/**
 * Speech per phrase at one output rate, cached (LRU, `maxEntries`): a reply built from common phrases
 * costs no synthesis after the first time. Leading/trailing silence is trimmed to `padMs`.
 */
export class PhraseCache {
  readonly sampleRate: number;
  readonly #tts: Synthesizer;
  readonly #max: number;
  readonly #padMs: number;
  readonly #cache = new Map<string, Int16Array>();
  readonly #inFlight = new Map<string, Promise<Int16Array>>();

  constructor(tts: Synthesizer, sampleRate: number, maxEntries = 512, padMs = 30) {
    this.#tts = tts;
    this.sampleRate = sampleRate;
    this.#max = maxEntries;
    this.#padMs = padMs;
  }

  has(phrase: string): boolean {
    return this.#cache.has(phrase);
  }

  /** PCM of `phrase` if cached (no synthesis). */
  peek(phrase: string): Int16Array | undefined {
    return this.#cache.get(phrase);
  }

  /** PCM of `phrase` at `sampleRate`; synthesizes on a miss (concurrent misses share one synthesis). */
  get(phrase: string): Promise<Int16Array> {
    const hit = this.#cache.get(phrase);
    if (hit) {
      this.#cache.delete(phrase);
      this.#cache.set(phrase, hit);
      return Promise.resolve(hit);
    }
    let running = this.#inFlight.get(phrase);
    if (!running) {
      running = Promise.resolve(this.#tts.synthesize(phrase))
        .then((speech) => {
          const pad = Math.round((speech.sampleRate * this.#padMs) / 1000);
          const pcm = resample(trimSilence(speech.pcm, 400, pad), speech.sampleRate, this.sampleRate);
          this.#cache.set(phrase, pcm);
          while (this.#cache.size > this.#max) {
            const oldest = this.#cache.keys().next().value;
            if (oldest === undefined) break;
            this.#cache.delete(oldest);
          }
          return pcm;
        })
        .finally(() => {
          this.#inFlight.delete(phrase);
        });
      this.#inFlight.set(phrase, running);
    }
    return running;
  }
}
