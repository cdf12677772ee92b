/**
 * The on-device transport's replies, one at a time: `response.create` composes the answer to the last user
 * item (its recognition, the responder, the offline history) and speaks it as a {@link LocalResponse};
 * `response.cancel`, `output_audio_buffer.clear`, `conversation.item.truncate` and the deletion of its
 * item cut it (barge-in). The outcome is written into the offline turn it answers.
 */
import type { SottoError } from '../errors.ts';
import type { ClientEvent, OutgoingServerEvent } from '../protocol/index.ts';
import type { OfflineEngine } from './engine.ts';
import type { LocalConversation } from './local-conversation.ts';
import type { AudioItem } from './local-recognition.ts';
import { LocalResponse, type LocalCancelReason } from './local-response.ts';
import type { LocalTransportOptions } from './local-transport-options.ts';
import type { ReplyOutput } from './reply-output.ts';
import { defaultResponder } from './responder.ts';

/** What the replies need from their transport. */
export interface LocalRepliesHost {
  readonly conv: LocalConversation;
  engine(): OfflineEngine | null;
  output(): ReplyOutput | null;
  /** A spoken user item and its recognition, by item id. */
  audioItem(itemId: string): AudioItem | undefined;
  /** The session's instructions (`session.update`). */
  instructions(): string | undefined;
  send(event: OutgoingServerEvent): void;
  protocolError(code: string, message: string, eventId?: string, param?: string): void;
  error(e: SottoError): void;
}

export class LocalReplies {
  readonly #o: LocalTransportOptions;
  readonly #h: LocalRepliesHost;
  #response: LocalResponse | null = null;
  #lastResponseId: string | null = null;
  #lastReply: string | null = null;

  /** `options`: the transport's (the responder, `onOfflineTurn`, and the voice). */
  constructor(options: LocalTransportOptions, host: LocalRepliesHost) {
    this.#o = options;
    this.#h = host;
  }

  /** The response in progress, if any: its id and assistant item id. */
  get active(): { id: string; itemId: string } | null {
    const r = this.#response;
    return r && !r.done ? { id: r.id, itemId: r.item.id } : null;
  }

  /** `response.create`: answers the last user item. */
  create(event: Extract<ClientEvent, { type: 'response.create' }>, eventId: string | undefined): void {
    const engine = this.#h.engine();
    const output = this.#h.output();
    if (!engine || !output) return;
    if (this.#response && !this.#response.done) {
      this.#h.protocolError(
        'conversation_already_has_active_response',
        `response ${this.#response.id} is in progress`,
        eventId,
      );
      return;
    }
    const params = event.response;
    if (params?.output_modalities && params.output_modalities.join() !== 'audio') {
      this.#h.protocolError('unsupported_value', 'only ["audio"] output is supported', eventId, 'output_modalities');
      return;
    }
    const conv = this.#h.conv;
    const lastUser = conv.lastUser();
    const turn = lastUser?.turn;
    const audio = lastUser ? this.#h.audioItem(lastUser.item.id) : undefined;
    const inConversation = params?.conversation !== 'none';
    const instructions = params?.instructions ?? this.#h.instructions() ?? '';
    const responder = this.#o.onOfflineTurn ?? defaultResponder;
    const history = conv.turnsExcept(turn);
    const response = new LocalResponse({
      engine,
      output,
      send: (e) => {
        this.#h.send(e);
      },
      compose: async (signal) => {
        const r = audio ? await audio.recognition : null;
        const text = audio ? (r?.text ?? '') : (turn?.user ?? '');
        const reply = await responder(text, {
          source: audio ? 'audio' : 'text',
          phrase: r?.phrase ?? null,
          confidence: r?.confidence ?? null,
          instructions,
          history: history.map((t) => ({ ...t })),
          lastReply: this.#lastReply,
          now: new Date(),
          signal,
        });
        if (turn) {
          turn.reply = reply;
          turn.at.reply = Date.now();
        }
        return reply;
      },
      voice: this.#o.voice ?? 'slt',
      inConversation,
      previousItemId: conv.lastId,
      metadata: params?.metadata ?? null,
      committedAt: audio?.committedAt ?? null,
    });
    if (inConversation) conv.add(response.item);
    if (turn && inConversation) {
      turn.responseId = response.id;
      turn.assistantItemId = response.item.id;
    }
    this.#response = response;
    this.#lastResponseId = response.id;
    void response.run().then((outcome) => {
      if (this.#response === response) this.#response = null;
      if (outcome.heard) this.#lastReply = outcome.heard;
      if (turn?.responseId === response.id) {
        turn.heardReply = outcome.heard;
        turn.playedMs = outcome.playedMs;
        turn.status =
          outcome.status === 'completed' ? 'completed' : outcome.status === 'cancelled' ? 'cancelled' : 'failed';
        turn.at.end = Date.now();
      }
      if (outcome.error) this.#h.error(outcome.error);
    });
  }

  /** `response.cancel`: cancels the response in progress (`response_id` when given must be it). */
  cancelRequested(event: Extract<ClientEvent, { type: 'response.cancel' }>, eventId: string | undefined): void {
    const r = this.#response;
    if (!r || r.done || (event.response_id !== undefined && event.response_id !== r.id)) {
      this.#h.protocolError('response_cancel_not_active', 'no response in progress to cancel', eventId, 'response_id');
      return;
    }
    this.#cancel('client_cancelled', false);
  }

  /** `output_audio_buffer.clear`: cuts the response in progress, or flushes the output after the last one. */
  clearOutput(): void {
    const r = this.#response;
    if (r && !r.done) this.#cancel('output_cleared', true);
    else {
      this.#h.output()?.flush();
      this.#h.send({ type: 'output_audio_buffer.cleared', response_id: this.#lastResponseId ?? '' });
    }
  }

  /** The item `itemId` is being deleted: the response that speaks it is cut. */
  deleting(itemId: string): void {
    if (this.#response?.item.id === itemId) this.#cancel('client_cancelled', true);
  }

  /** `conversation.item.truncate`: only an assistant item's audio; the response speaking it is cut there. */
  truncate(itemId: string, contentIndex: number, audioEndMs: number, eventId: string | undefined): void {
    const item = this.#h.conv.find(itemId);
    if (!item) {
      this.#h.protocolError('item_not_found', `no item "${itemId}"`, eventId, 'item_id');
      return;
    }
    if (item.type !== 'message' || item.role !== 'assistant' || contentIndex !== 0) {
      this.#h.protocolError(
        'invalid_content_index',
        'only the audio of an assistant item can be truncated',
        eventId,
        'content_index',
      );
      return;
    }
    const r = this.#response;
    if (r?.item.id === itemId && !r.done) {
      if (audioEndMs > Math.ceil(r.pushedMs)) {
        this.#h.protocolError(
          'audio_end_ms_out_of_range',
          `audio_end_ms ${audioEndMs} is beyond the ${Math.round(r.pushedMs)} ms of audio played out so far`,
          eventId,
          'audio_end_ms',
        );
        return;
      }
      this.#cancel('truncated', true);
    }
    this.#h.send({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: contentIndex,
      audio_end_ms: audioEndMs,
    });
  }

  /** The transport closes: the response in progress is cancelled. */
  close(): void {
    this.#response?.cancel('session_closed');
  }

  /**
   * Cuts the active response. `flush` (barge-in): the whole output is flushed, silent within one render
   * quantum; otherwise only this response is cancelled (also faded out within a quantum).
   */
  #cancel(reason: LocalCancelReason, flush: boolean): void {
    const r = this.#response;
    if (!r || r.done) return;
    if (flush) this.#h.output()?.flush();
    r.cancel(reason, flush);
  }
}
