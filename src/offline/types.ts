/** Public types of the on-device engine: offline turns, the responder, recognition results. */

/** One offline exchange, kept so it can be handed to the server when the link is back. */
export interface OfflineTurn {
  /** The user item (`conversation.item.*` id). */
  userItemId: string;
  /** How the user's input came: spoken (ASR) or typed (`conversation.item.create`). */
  source: 'audio' | 'text';
  /** What the user said (the transcript, snapped to a declared phrase when one matched) or typed. */
  user: string;
  /** The recogniser's own text before phrase matching (spoken turns), else null. */
  asrText: string | null;
  /** The declared phrase the transcript matched, else null. */
  phrase: string | null;
  /** The response that answered it, null until `response.create`. */
  responseId: string | null;
  /** The assistant item, null until `response.create`. */
  assistantItemId: string | null;
  /** The reply text as the responder wrote it, null until it answered. */
  reply: string | null;
  /** The part of the reply the user heard (the pieces that started playing before a barge-in). */
  heardReply: string | null;
  /** Milliseconds of the reply played (the truncation point after a barge-in). */
  playedMs: number;
  /** `pending` until the reply has played out, was cut, or failed. */
  status: 'pending' | 'completed' | 'cancelled' | 'failed';
  /** Wall-clock times (ms since the epoch): turn submitted or typed, reply text ready, reply ended. */
  at: { user: number; reply: number | null; end: number | null };
}

/** What the responder gets besides the text. */
export interface OfflineTurnContext {
  source: 'audio' | 'text';
  /** The declared phrase the recogniser matched (spoken turns), else null. */
  phrase: string | null;
  /** Similarity of the transcript to that phrase, 0..1, else null. */
  confidence: number | null;
  /** Session instructions in force (or the response's override). */
  instructions: string;
  /** Earlier offline turns of this transport, oldest first. */
  history: readonly OfflineTurn[];
  /** The previous reply the user heard (for "say that again"), else null. */
  lastReply: string | null;
  /** The current time. */
  now: Date;
  /** Aborted when the response is cancelled (barge-in); a slow responder may stop early. */
  signal: AbortSignal;
}

/**
 * Answers one offline turn with the text to speak. Runs on the main thread. May be async; a rejection
 * fails the response (`response.done` with status `failed`) and is reported as an `error` event.
 */
export type OfflineResponder = (text: string, context: OfflineTurnContext) => string | Promise<string>;

/** The recogniser's result for one turn. */
export interface Recognition {
  /** The transcript: the matched phrase as declared when one matched, else the recogniser's text. */
  text: string;
  /** The recogniser's own text. */
  raw: string;
  phrase: string | null;
  /** Similarity of `raw` to `phrase` (0..1), else null. */
  confidence: number | null;
  /** Audio length, ms. */
  audioMs: number;
  /** Recognition time, ms. */
  computeMs: number;
}

/** One synthesised piece of a reply. */
export interface SpeechPiece {
  /** Index of the piece in the reply. */
  index: number;
  text: string;
  /** Mono 16-bit PCM. */
  pcm: Int16Array;
  /** Hz (Flite's voices: 16000, `kal`: 8000). */
  sampleRate: number;
  /** Synthesis time, ms. */
  synthMs: number;
}
