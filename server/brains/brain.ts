import type { ServerItem } from '../../src/protocol/index.ts';

/** What the brain is asked to answer: the conversation so far, with the latest user input at hand. */
export interface BrainTurn {
  /** The conversation items, oldest first (read-only). Empty for an out-of-band response. */
  items: readonly ServerItem[];
  /** Audio of the latest user item, if it was spoken (mono 16-bit PCM). */
  audio: { pcm: Int16Array; sampleRate: number } | null;
  /** Text of the latest user item, if it was typed. */
  text: string | null;
  /** Instructions in force (session or response override). */
  instructions: string;
}

/**
 * One piece of a reply: audio; a piece of the transcript of that audio (sent before the audio it
 * describes); or the transcript of the user's input audio, when the brain ran speech recognition.
 */
export type ReplyPart =
  | { type: 'audio'; pcm: Int16Array }
  | { type: 'transcript'; delta: string }
  | { type: 'input_transcript'; text: string };

/**
 * A brain turns a turn into reply audio. It yields mono 16-bit PCM chunks at `sampleRate` as soon as
 * each is ready, so the first frame can go out before the reply is complete, and the transcript of the
 * audio just before the audio it belongs to. It must stop promptly when `signal` aborts.
 */
export interface Brain {
  readonly name: string;
  readonly sampleRate: number;
  reply(turn: BrainTurn, signal: AbortSignal): AsyncIterable<ReplyPart>;
  /**
   * Optional speculative warm-up (extension `sotto.turn`): the user may be about to end a turn whose
   * audio so far is `audio`. Must not produce output; may cache work that `reply` will reuse.
   */
  prepare?(audio: { samples: number; sampleRate: number }): void;
  /** Optional warm-up before the first turn (load models, synthesize common phrases). */
  warm?(): Promise<void>;
  /** Releases resources (models, connections). */
  close?(): Promise<void>;
}
