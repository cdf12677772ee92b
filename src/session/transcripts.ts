/**
 * Transcripts (pure): folds the Realtime transcript events of both sides into one stream of
 * {@link Transcript} updates, each carrying the whole text so far (a UI replaces, never appends).
 */
import type { ServerEvent } from '../protocol/index.ts';

/** One transcript update. */
export interface Transcript {
  /** `user`: what the user said (ASR of the turn, or the typed text); `assistant`: the reply. */
  role: 'user' | 'assistant';
  /** The conversation item it belongs to. */
  itemId: string;
  /** The reply's response id (assistant only). */
  responseId?: string;
  /** The whole text so far. */
  text: string;
  /** The newest piece (empty on `final` updates that add nothing). */
  delta: string;
  /** True on the last update of this item. */
  final: boolean;
}

/** Keeps the partial texts per item; feed it every server event. */
export class TranscriptAssembler {
  readonly #partial = new Map<string, string>();

  /** The transcript update this event makes, or null. */
  accept(e: ServerEvent): Transcript | null {
    switch (e.type) {
      case 'conversation.item.input_audio_transcription.delta':
        return this.#delta('user', e.item_id, e.delta ?? '');
      case 'conversation.item.input_audio_transcription.completed':
        return this.#final('user', e.item_id, e.transcript);
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta':
        return this.#delta('assistant', e.item_id, e.delta, e.response_id);
      case 'response.output_audio_transcript.done':
        return this.#final('assistant', e.item_id, e.transcript, e.response_id);
      case 'response.output_text.done':
        return this.#final('assistant', e.item_id, e.text, e.response_id);
      default:
        return null;
    }
  }

  #delta(role: Transcript['role'], itemId: string, delta: string, responseId?: string): Transcript {
    const text = (this.#partial.get(itemId) ?? '') + delta;
    this.#partial.set(itemId, text);
    return { role, itemId, ...(responseId ? { responseId } : {}), text, delta, final: false };
  }

  #final(role: Transcript['role'], itemId: string, text: string, responseId?: string): Transcript {
    const before = this.#partial.get(itemId) ?? '';
    this.#partial.delete(itemId);
    const delta = text.startsWith(before) ? text.slice(before.length) : text;
    return { role, itemId, ...(responseId ? { responseId } : {}), text, delta, final: true };
  }
}
