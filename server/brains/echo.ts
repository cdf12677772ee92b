import { ThreadedFlite } from '../tts/flite-threaded.ts';
import { resample } from '../tts/pcm.ts';
import { PhraseCache, type Synthesizer } from '../tts/phrase-cache.ts';
import { SharedSpeechCache } from '../tts/shared-cache.ts';
import type { Brain, BrainTurn, ReplyPart } from './brain.ts';

/** Chunk size of the echo reply: 20 ms, one Opus frame. */
const CHUNK_MS = 20;
/** Longest literal echo, so a runaway turn cannot hold the output for minutes. */
const MAX_ECHO_MS = 15_000;
/** Longest typed text read back. */
const MAX_READ_BACK_CHARS = 200;

/**
 * How the echo brain answers:
 * - `speak` (default): a synthesized sentence stating what it heard, e.g. "You spoke for 2.4 seconds."
 *   (Flite TTS, phrases cached, so the first frame goes out without waiting for synthesis).
 * - `literal`: plays the user's audio straight back behind a 120 ms chirp (no TTS needed).
 */
export type EchoMode = 'speak' | 'literal';

/** The words of a `speak` reply, as phrases (each phrase is synthesized and cached on its own). */
export function echoPhrases(turn: Pick<BrainTurn, 'audio' | 'text'>): string[] {
  if (turn.audio) return ['You spoke for', `${secondsText(turn.audio.pcm.length, turn.audio.sampleRate)} seconds.`];
  if (turn.text !== null) {
    const said = turn.text.trim().slice(0, MAX_READ_BACK_CHARS);
    return said ? ['You wrote:', said] : ['You wrote nothing.'];
  }
  return ['I have not heard anything yet.'];
}

const secondsText = (samples: number, rate: number): string => (samples / rate).toFixed(1);

/**
 * The `echo` brain: deterministic and instant, the latency truth. It answers every turn by stating
 * what it heard (the length of the spoken turn, or the typed text), so tests can check that the reply
 * matches the input. Transcript deltas carry the same words.
 */
export class EchoBrain implements Brain {
  readonly name = 'echo';
  readonly sampleRate: number;
  readonly mode: EchoMode;
  readonly #phrases: PhraseCache | null;

  constructor(opts: { sampleRate?: number; mode?: EchoMode; tts?: Synthesizer } = {}) {
    this.sampleRate = opts.sampleRate ?? 48_000;
    this.mode = opts.mode ?? 'speak';
    // Phrases are shared through files by every job process on the machine (tts/shared-cache.ts).
    this.#phrases =
      this.mode === 'speak'
        ? new PhraseCache(opts.tts ?? new SharedSpeechCache(new ThreadedFlite(), 'flite slt'), this.sampleRate)
        : null;
  }

  /**
   * Synthesizes the phrase every spoken reply starts with, so the first reply needs no synthesis
   * before its first frame. Call once before the first turn (the agent's prewarm does).
   */
  async warm(): Promise<void> {
    await this.#phrases?.get('You spoke for');
  }

  prepare(audio: { samples: number; sampleRate: number }): void {
    // The turn may end within the next ~second: synthesize the likely durations now.
    if (!this.#phrases) return;
    for (let tenths = 0; tenths <= 3; tenths++) {
      const samples = audio.samples + (tenths * audio.sampleRate) / 10;
      this.#phrases.get(`${secondsText(samples, audio.sampleRate)} seconds.`).catch(() => undefined);
    }
  }

  async *reply(turn: BrainTurn, signal: AbortSignal): AsyncIterable<ReplyPart> {
    const chunk = (this.sampleRate * CHUNK_MS) / 1000;
    if (this.#phrases) {
      const phrases = echoPhrases(turn);
      for (let i = 0; i < phrases.length; i++) {
        const phrase = phrases[i] ?? '';
        // Synthesized lazily (in a worker thread): meanwhile the previous phrase plays from the queue.
        const pcm = await this.#phrases.get(phrase);
        yield { type: 'transcript', delta: i === 0 ? phrase : ` ${phrase}` };
        for (let at = 0; at < pcm.length; at += chunk) {
          if (isAborted(signal)) return;
          yield { type: 'audio', pcm: pcm.subarray(at, Math.min(at + chunk, pcm.length)) };
        }
      }
      return;
    }
    const pcm = this.#literal(turn);
    for (let at = 0; at < pcm.length && !signal.aborted; at += chunk) {
      yield { type: 'audio', pcm: pcm.subarray(at, Math.min(at + chunk, pcm.length)) };
    }
    await Promise.resolve();
  }

  #literal(turn: BrainTurn): Int16Array {
    const rate = this.sampleRate;
    const chirp = chirpPcm(rate, 0.12);
    const voice = turn.audio ? resample(turn.audio.pcm, turn.audio.sampleRate, rate) : new Int16Array(0);
    const total = Math.min(chirp.length + voice.length, (rate * MAX_ECHO_MS) / 1000);
    const out = new Int16Array(total);
    out.set(chirp.subarray(0, total));
    if (total > chirp.length) out.set(voice.subarray(0, total - chirp.length), chirp.length);
    return out;
  }
}

/** Reads `signal.aborted` afresh (it changes while the generator is suspended at a `yield`). */
const isAborted = (signal: AbortSignal): boolean => signal.aborted;

/** A rising chirp (600 -> 1200 Hz) at -12 dBFS with 5 ms fades. */
function chirpPcm(rate: number, seconds: number): Int16Array {
  const n = Math.round(rate * seconds);
  const fade = Math.round(rate * 0.005);
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = 600 + (600 * i) / n;
    phase += (2 * Math.PI * f) / rate;
    const env = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = Math.round(Math.sin(phase) * env * 0.25 * 32767);
  }
  return out;
}
