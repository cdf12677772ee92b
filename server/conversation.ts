/**
 * The conversation history of one session: ordered items, the audio of recent user items (for the
 * brain), and for assistant items how much audio was sent (to validate truncation). Pure, no I/O.
 */
import type { ConversationItem, ContentPart, ServerItem } from '../src/protocol/index.ts';
import { newId } from './ids.ts';

/** Most items kept; the oldest are forgotten beyond it. */
const MAX_ITEMS = 512;
/** User items whose audio is kept for the brain. */
const MAX_AUDIO_ITEMS = 4;

export class ConversationError extends Error {
  override readonly name = 'ConversationError';
  readonly code: 'item_not_found' | 'invalid_content_index' | 'audio_end_ms_out_of_range' | 'invalid_event';
  readonly param: string;
  constructor(code: ConversationError['code'], param: string, message: string) {
    super(message);
    this.code = code;
    this.param = param;
  }
}

/** Transcript of a piece of assistant audio, with where it starts in the item's audio (ms). */
export interface TranscriptSegment {
  atMs: number;
  text: string;
}

interface AssistantAudio {
  /** Audio sent for this item, in ms. */
  sentMs: number;
  segments: TranscriptSegment[];
}

export class Conversation {
  readonly id = newId('conv');
  readonly #items: ServerItem[] = [];
  readonly #audio = new Map<string, { pcm: Int16Array; sampleRate: number }>();
  readonly #assistant = new Map<string, AssistantAudio>();

  get items(): readonly ServerItem[] {
    return this.#items;
  }

  get(itemId: string): ServerItem | undefined {
    return this.#items.find((i) => i.id === itemId);
  }

  lastId(): string | null {
    return this.#items.at(-1)?.id ?? null;
  }

  /**
   * Adds an item after `previousItemId` (null: at the start; undefined: at the end). Returns the stored
   * item (with an id and status) and the id of the item before it.
   */
  add(input: ConversationItem, previousItemId?: string | null): { item: ServerItem; previousItemId: string | null } {
    if (input.id !== undefined && this.get(input.id)) {
      throw new ConversationError('invalid_event', 'item.id', `an item with id "${input.id}" already exists`);
    }
    let at = this.#items.length;
    if (previousItemId === null) at = 0;
    else if (previousItemId !== undefined) {
      const i = this.#items.findIndex((x) => x.id === previousItemId);
      if (i < 0) throw new ConversationError('item_not_found', 'previous_item_id', `no item "${previousItemId}"`);
      at = i + 1;
    }
    const item = {
      ...input,
      id: input.id ?? newId('item'),
      object: 'realtime.item',
      status: input.status ?? 'completed',
    } as ServerItem;
    if (item.type === 'message' && item.role === 'user') item.content = item.content.map(stripAudio);
    this.#items.splice(at, 0, item);
    while (this.#items.length > MAX_ITEMS) this.#forget(this.#items.shift());
    return { item, previousItemId: at === 0 ? null : (this.#items[at - 1]?.id ?? null) };
  }

  /** Keeps the audio of a user item for the brain (only the last few user items keep theirs). */
  setAudio(itemId: string, pcm: Int16Array, sampleRate: number): void {
    this.#audio.set(itemId, { pcm, sampleRate });
    while (this.#audio.size > MAX_AUDIO_ITEMS) {
      const oldest = this.#audio.keys().next().value;
      if (oldest === undefined) break;
      this.#audio.delete(oldest);
    }
  }

  audioOf(itemId: string): { pcm: Int16Array; sampleRate: number } | null {
    return this.#audio.get(itemId) ?? null;
  }

  /** The latest user message, if any. */
  lastUserItem(): ServerItem | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const it = this.#items[i];
      if (it?.type === 'message' && it.role === 'user') return it;
    }
    return undefined;
  }

  /** Records audio sent for an assistant item and the transcript segments spoken so far. */
  setAssistantAudio(itemId: string, sentMs: number, segments: TranscriptSegment[]): void {
    this.#assistant.set(itemId, { sentMs, segments });
  }

  delete(itemId: string): void {
    const i = this.#items.findIndex((x) => x.id === itemId);
    if (i < 0) throw new ConversationError('item_not_found', 'item_id', `no item "${itemId}"`);
    this.#forget(this.#items.splice(i, 1)[0]);
  }

  /**
   * Cuts an assistant item's audio at `audioEndMs` (what the user heard). The transcript keeps only
   * the segments that started before the cut. Rejects a cut beyond the audio sent for the item.
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): ServerItem {
    const item = this.get(itemId);
    if (!item) throw new ConversationError('item_not_found', 'item_id', `no item "${itemId}"`);
    const part = item.type === 'message' ? item.content[contentIndex] : undefined;
    const audio = this.#assistant.get(itemId);
    if (item.type !== 'message' || item.role !== 'assistant' || part?.type !== 'output_audio' || !audio) {
      throw new ConversationError(
        'invalid_content_index',
        'content_index',
        `item "${itemId}" has no assistant audio at content_index ${contentIndex}`,
      );
    }
    if (audioEndMs > Math.ceil(audio.sentMs)) {
      throw new ConversationError(
        'audio_end_ms_out_of_range',
        'audio_end_ms',
        `audio_end_ms ${audioEndMs} is beyond the ${Math.round(audio.sentMs)} ms of audio sent for item "${itemId}"`,
      );
    }
    audio.sentMs = audioEndMs;
    audio.segments = audio.segments.filter((s) => s.atMs < audioEndMs);
    part.transcript = audio.segments.map((s) => s.text).join('');
    item.status = 'incomplete';
    return item;
  }

  #forget(item: ServerItem | undefined): void {
    if (!item) return;
    this.#audio.delete(item.id);
    this.#assistant.delete(item.id);
  }
}

/**
 * Input audio bytes are not kept in items (the server keeps PCM separately); transcripts are. A user audio
 * part always carries `transcript` (`''` until one exists): the OpenAI Agents SDK requires the field and
 * fails on the whole event without it, and the GA types have no `null` for it.
 */
function stripAudio<P extends ContentPart>(part: P): P {
  if (part.type !== 'input_audio') return part;
  const { audio: _audio, ...rest } = part;
  return { ...rest, transcript: part.transcript ?? '' } as P;
}
