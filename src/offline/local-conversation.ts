/**
 * The on-device conversation (pure; no engine, no events): the input buffer of submitted audio, the
 * conversation items in order, and the offline turns they make (what the user said, what was answered
 * and heard). {@link LocalTransport} is its I/O shell: it speaks Realtime and runs the engine.
 */
import type { ConversationItem, ServerItem } from '../protocol/index.ts';
import { newId } from './ids.ts';
import type { OfflineTurn } from './types.ts';

/** A committed input buffer: the new user item and its audio (16 kHz mono). */
export interface CommittedAudio {
  item: ServerItem;
  /** Id of the item before it, or null. */
  previous: string | null;
  audio: Float32Array;
  /** Length of the audio, ms. */
  ms: number;
  turn: OfflineTurn;
}

/** A new, pending turn for the user item `userItemId`. */
function newTurn(userItemId: string, source: OfflineTurn['source'], user: string): OfflineTurn {
  return {
    userItemId,
    source,
    user,
    asrText: null,
    phrase: null,
    responseId: null,
    assistantItemId: null,
    reply: null,
    heardReply: null,
    playedMs: 0,
    status: 'pending',
    at: { user: Date.now(), reply: null, end: null },
  };
}

/** The text of a typed (or transcribed) user message. */
function userText(item: Extract<ServerItem, { type: 'message' }>): string {
  return item.content
    .map((c) => (c.type === 'input_text' ? c.text : c.type === 'input_audio' ? (c.transcript ?? '') : ''))
    .join(' ')
    .trim();
}

export class LocalConversation {
  readonly #rate: number;
  /** Submitted audio not committed yet. */
  #pending: Float32Array[] = [];
  #pendingItemId: string | undefined;
  readonly #items: ServerItem[] = [];
  readonly #turns: OfflineTurn[] = [];

  /** @param sampleRate rate of the submitted audio (Hz) */
  constructor(sampleRate: number) {
    this.#rate = sampleRate;
  }

  /** Adds audio (kept as given) to the input buffer; the next commit makes it the user item `itemId`. */
  append(audio: Float32Array, itemId?: string): void {
    this.#pending.push(audio);
    if (itemId !== undefined) this.#pendingItemId = itemId;
  }

  /** Length of the input buffer, ms. */
  get pendingMs(): number {
    return (this.#pending.reduce((n, c) => n + c.length, 0) * 1000) / this.#rate;
  }

  /** Empties the input buffer. */
  clearPending(): void {
    this.#pending = [];
    this.#pendingItemId = undefined;
  }

  /** Turns the input buffer into a user item and a pending spoken turn (the buffer is emptied). */
  commit(): CommittedAudio {
    const total = this.#pending.reduce((n, c) => n + c.length, 0);
    const audio = new Float32Array(total);
    let at = 0;
    for (const c of this.#pending) {
      audio.set(c, at);
      at += c.length;
    }
    const item: ServerItem = {
      id: this.#pendingItemId ?? newId('item'),
      object: 'realtime.item',
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_audio' }],
    };
    this.clearPending();
    const previous = this.add(item);
    const turn = newTurn(item.id, 'audio', '');
    this.#turns.push(turn);
    return { item, previous, audio, ms: (total * 1000) / this.#rate, turn };
  }

  /** Adds a client-created item (a typed user message makes a pending text turn). */
  create(input: ConversationItem): { item: ServerItem; previous: string | null } {
    const item = { ...input, id: input.id ?? newId('item'), object: 'realtime.item' as const };
    if (item.type === 'message') item.status ??= 'completed';
    const previous = this.add(item);
    if (item.type === 'message' && item.role === 'user') this.#turns.push(newTurn(item.id, 'text', userText(item)));
    return { item, previous };
  }

  /** Appends `item`; returns the id of the item before it. */
  add(item: ServerItem): string | null {
    const previous = this.#items.at(-1)?.id ?? null;
    this.#items.push(item);
    return previous;
  }

  find(itemId: string): ServerItem | undefined {
    return this.#items.find((i) => i.id === itemId);
  }

  /** Removes the item; false when there is none with that id. */
  delete(itemId: string): boolean {
    const at = this.#items.findIndex((i) => i.id === itemId);
    if (at < 0) return false;
    this.#items.splice(at, 1);
    return true;
  }

  /** Id of the last item, or null. */
  get lastId(): string | null {
    return this.#items.at(-1)?.id ?? null;
  }

  /** The latest user message and its turn. */
  lastUser(): { item: ServerItem; turn: OfflineTurn | undefined } | null {
    const item = [...this.#items].reverse().find((i) => i.type === 'message' && i.role === 'user');
    return item ? { item, turn: this.#turns.find((t) => t.userItemId === item.id) } : null;
  }

  /** The turns other than `except`, oldest first (the live objects). */
  turnsExcept(except: OfflineTurn | undefined): OfflineTurn[] {
    return this.#turns.filter((t) => t !== except);
  }

  /** The turns so far, oldest first (copies). */
  turns(): OfflineTurn[] {
    return this.#turns.map((t) => ({ ...t, at: { ...t.at } }));
  }
}
