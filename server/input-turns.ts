/**
 * The user's side of the turn: input audio (from the track, or `input_audio_buffer.append`) buffered on
 * the session's input clock, and commits that turn it into user items of the conversation, reported
 * with `input_audio_buffer.committed` + `conversation.item.added|done`.
 */
import type { OutgoingServerEvent } from '../src/protocol/index.ts';
import type { Conversation } from './conversation.ts';
import { InputAudioBuffer } from './input-audio-buffer.ts';
import { APPEND_RATE } from './session-config.ts';
import { decodePcm16Base64 } from './tts/pcm.ts';

/** Rate of the input audio the session buffers (the user's track is read at this rate, mono). */
export const INPUT_RATE = 48_000;
/** Shortest turn a client may commit (OpenAI's minimum). */
export const MIN_COMMIT_MS = 100;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type CommitResult = { ok: true; itemId: string } | { ok: false; ms: number };

export class InputTurns {
  readonly buffer = new InputAudioBuffer(INPUT_RATE);
  /** The latest user item and when it was committed or created (performance.now ms), for timings. */
  lastUser: { itemId: string; at: number } | null = null;
  readonly #conversation: Conversation;
  readonly #send: (e: OutgoingServerEvent) => void;
  readonly #now: () => number;

  constructor(conversation: Conversation, send: (e: OutgoingServerEvent) => void, now: () => number) {
    this.#conversation = conversation;
    this.#send = send;
    this.#now = now;
  }

  ms(samples: number): number {
    return this.buffer.ms(samples);
  }

  /** Decodes `input_audio_buffer.append` audio (base64 24 kHz PCM16) to the input rate; null if malformed. */
  decodeAppend(b64: string): Int16Array | null {
    if (!BASE64.test(b64) || b64.length % 4 !== 0) return null;
    const pcm24 = decodePcm16Base64(b64);
    const factor = INPUT_RATE / APPEND_RATE;
    const pcm = new Int16Array(pcm24.length * factor);
    for (let i = 0; i < pcm24.length; i++) {
      const a = pcm24[i] ?? 0;
      const b = pcm24[i + 1] ?? a;
      for (let k = 0; k < factor; k++) pcm[i * factor + k] = Math.round(a + ((b - a) * k) / factor);
    }
    return pcm;
  }

  /**
   * Commits the buffer up to `until` as a user item (`itemId` when the server VAD already announced
   * it). A client commit of less than {@link MIN_COMMIT_MS} is refused.
   */
  commit(opts: { itemId?: string; until?: number } = {}): CommitResult {
    const b = this.buffer;
    const until = Math.min(opts.until ?? b.end, b.end);
    const ms = b.ms(until - b.start);
    if (opts.itemId === undefined && ms < MIN_COMMIT_MS) return { ok: false, ms };
    const pcm = b.take(until);
    const { item, previousItemId } = this.#conversation.add({
      ...(opts.itemId === undefined ? {} : { id: opts.itemId }),
      type: 'message',
      role: 'user',
      content: [{ type: 'input_audio', transcript: '' }],
    });
    this.#conversation.setAudio(item.id, pcm, INPUT_RATE);
    this.lastUser = { itemId: item.id, at: this.#now() };
    this.#send({
      type: 'input_audio_buffer.committed',
      previous_item_id: previousItemId,
      item_id: item.id,
      'sotto:audio_ms': Math.round(b.ms(pcm.length)),
    });
    this.#send({ type: 'conversation.item.added', previous_item_id: previousItemId, item });
    this.#send({ type: 'conversation.item.done', previous_item_id: previousItemId, item });
    return { ok: true, itemId: item.id };
  }

  /** Records the transcript of a user audio item and reports it (input_audio_transcription.completed). */
  transcribed(itemId: string, transcript: string): void {
    const item = this.#conversation.get(itemId);
    if (item?.type !== 'message') return;
    const index = item.content.findIndex((c) => c.type === 'input_audio');
    const part = item.content[index];
    if (part?.type !== 'input_audio') return;
    part.transcript = transcript;
    this.#send({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: index,
      transcript,
      usage: { type: 'duration', seconds: audioSeconds(this.#conversation.audioOf(itemId)) },
    });
  }
}

/** Duration of an item's audio in seconds (0 when none is kept), to 3 decimals. */
function audioSeconds(audio: { pcm: Int16Array; sampleRate: number } | null): number {
  return audio ? Math.round((audio.pcm.length / audio.sampleRate) * 1000) / 1000 : 0;
}
