/**
 * The on-device transport: the same {@link Transport} as LiveKit's, answered by an engine on this device
 * (ASR -> responder -> TTS; the models run in a Web Worker) instead of a server. The session hands it
 * whole user turns with {@link LocalTransport.submitTurn}, then talks Realtime to it exactly as to a server:
 * `input_audio_buffer.commit` + `response.create` answer the turn, `conversation.item.create` adds typed
 * text, `response.cancel` / `output_audio_buffer.clear` / `conversation.item.truncate` cut a reply
 * (barge-in), `session.update` sets instructions (and phrases, as `session["sotto:phrases"]`). It answers
 * with the GA server events (see `src/protocol/`). Replies play through a {@link PlaybackNode}.
 */
import type { PlaybackNode, PlayedCount } from '../audio/playback-node.ts';
import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import {
  PROTOCOL_VERSION,
  EXT_TIMINGS,
  type ClientEvent,
  type ErrorInfo,
  type OutgoingServerEvent,
  type ServerEvent,
  type SessionInfo,
} from '../protocol/index.ts';
import type { HealthSnapshot } from '../transport/health.ts';
import type { Transport, TransportEvents, TransportStartOptions, TransportStatus } from '../transport/types.ts';
import type { OfflineEngine, OfflineEngineInfo } from './engine.ts';
import { newId } from './ids.ts';
import { INPUT_RATE, recognise, type AudioItem } from './local-recognition.ts';
import { LocalReplies } from './local-replies.ts';
import type { ReplyOutput } from './reply-output.ts';
import type { OfflineTurn } from './types.ts';
import { decodeAppendAudio } from './append-audio.ts';
import { LocalConversation } from './local-conversation.ts';
import type { LocalTransportOptions } from './local-transport-options.ts';

export type { LocalTransportOptions };

/** Shortest turn a commit accepts, ms (OpenAI's minimum, as the reference server). */
export const MIN_TURN_MS = 100;

/**
 * ```ts
 * const local = new LocalTransport({ models: { asr: gigaspeech3mAssets('/models/kws/') }, audioContext: ctx });
 * await local.connect({ micTrack });           // no network needed once prepareOffline() has run
 * await local.submitTurn(samples16k);          // the user's turn
 * await local.send({ type: 'input_audio_buffer.commit' });
 * await local.send({ type: 'response.create' }); // server_event: transcript, response, audio plays
 * ```
 * Ownership: `close()` ends the worker and the PlaybackNode it created; it never closes the AudioContext,
 * an `output` passed in, or the mic track.
 */
export class LocalTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'local';
  readonly #o: LocalTransportOptions;
  #status: TransportStatus = 'idle';
  #health: HealthSnapshot = { level: 'down', reason: 'not connected', rttMs: null, sinceLastPongMs: 0 };
  #engine: OfflineEngine | null = null;
  #engineInfo: OfflineEngineInfo | null = null;
  #output: ReplyOutput | null = null;
  #ownedNode: PlaybackNode | null = null;
  #session: SessionInfo;
  #phrases: readonly string[];
  #micEnabled = true;
  readonly #conv = new LocalConversation(INPUT_RATE);
  /** Recognition of each spoken user item, by item id. */
  readonly #audio = new Map<string, AudioItem>();
  readonly #replies: LocalReplies;
  #closing = false;

  constructor(options: LocalTransportOptions) {
    super();
    if (!options.engine && !options.models) throw new RangeError('LocalTransport needs `models` (or an `engine`)');
    if (!options.output && !options.audioContext) {
      throw new RangeError('LocalTransport needs an `audioContext` (or an `output`) to play replies');
    }
    this.#o = options;
    this.#phrases = [...(options.phrases ?? [])];
    this.#session = {
      id: newId('sess'),
      object: 'realtime.session',
      type: 'realtime',
      model: 'sotto-local',
      instructions: options.instructions ?? '',
      output_modalities: ['audio'],
      audio: { input: { turn_detection: null }, output: { voice: options.voice ?? 'slt' } },
      'sotto:protocol_version': PROTOCOL_VERSION,
      'sotto:extensions': [EXT_TIMINGS],
    };
    this.#replies = new LocalReplies(options, {
      conv: this.#conv,
      engine: () => this.#engine,
      output: () => this.#output,
      audioItem: (itemId) => this.#audio.get(itemId),
      instructions: () => this.#session.instructions,
      send: (e) => {
        this.#serverSend(e);
      },
      protocolError: (code, message, eventId, param) => {
        this.#protocolError(code, message, eventId, param);
      },
      error: (e) => {
        this.emit('error', e);
      },
    });
  }

  get status(): TransportStatus {
    return this.#status;
  }

  get health(): HealthSnapshot {
    return this.#health;
  }

  /** Where replies play (the PlaybackNode), null before `connect()`. */
  get output(): ReplyOutput | null {
    return this.#output;
  }

  /** What the engine loaded (sizes, cache hits, load time), null before `connect()` resolves. */
  get engineInfo(): OfflineEngineInfo | null {
    return this.#engineInfo;
  }

  /** The phrases recognition is biased toward. */
  get phrases(): readonly string[] {
    return this.#phrases;
  }

  /** Replaces the phrases recognition is biased toward (same as `session.update` with `sotto:phrases`). */
  setPhrases(phrases: readonly string[]): void {
    this.#phrases = [...phrases];
  }

  /** What the user has heard of `responseId` (exact, from the playback counters), or null. */
  played(responseId: string): PlayedCount | null {
    return this.#output?.played(responseId) ?? null;
  }

  /** The response in progress, if any: its id and assistant item id. */
  get activeResponse(): { id: string; itemId: string } | null {
    return this.#replies.active;
  }

  /** The offline turns so far, oldest first (copies): hand them to the server when back online. */
  conversation(): OfflineTurn[] {
    return this.#conv.turns();
  }

  async connect(_options: TransportStartOptions): Promise<void> {
    if (this.#status !== 'idle') throw new SottoError('internal', `connect() called in state ${this.#status}`);
    this.#setStatus('connecting');
    this.#setHealth('degraded', 'loading the on-device engine');
    try {
      this.#output = this.#o.output ?? (await this.#createOutput());
      const engine = this.#o.engine ?? (await this.#createEngine());
      this.#engine = engine;
      this.#engineInfo = await engine.load();
    } catch (e) {
      await this.#release();
      this.#setStatus('closed');
      this.#setHealth('down', 'the on-device engine did not start');
      throw e instanceof SottoError
        ? e
        : new SottoError('offline_engine_error', `the on-device engine did not start: ${String(e)}`, { cause: e });
    }
    if (this.#closing) return;
    this.#setStatus('connected');
    this.#setHealth('healthy', 'on-device engine');
    this.#serverSend({ type: 'session.created', session: this.#session });
  }

  /**
   * Adds a user turn (16 kHz mono samples in [-1, 1], copied) to the input buffer; the next
   * `input_audio_buffer.commit` turns it into a user item (with `info.itemId` when given) and starts
   * recognising it at once.
   */
  submitTurn(audio: Float32Array, info: { itemId?: string } = {}): Promise<void> {
    if (this.#status !== 'connected') {
      return Promise.reject(new SottoError('not_connected', `cannot submit a turn: the engine is ${this.#status}`));
    }
    this.#conv.append(audio.slice(), info.itemId);
    return Promise.resolve();
  }

  send(event: ClientEvent): Promise<void> {
    if (this.#status !== 'connected') {
      return Promise.reject(
        new SottoError('not_connected', `cannot send ${event.type}: the engine is ${this.#status}`),
      );
    }
    try {
      this.#handle(event);
    } catch (e) {
      this.#protocolError('invalid_event', `could not handle ${event.type}: ${String(e)}`, event.event_id);
    }
    return Promise.resolve();
  }

  setMicEnabled(enabled: boolean): Promise<void> {
    // The mic never leaves the device here; the flag is kept for symmetry (turns come via submitTurn).
    this.#micEnabled = enabled;
    return Promise.resolve();
  }

  /** Whether the app last enabled the mic (see `setMicEnabled`). */
  get micEnabled(): boolean {
    return this.#micEnabled;
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#replies.close();
    await this.#release();
    this.#setStatus('closed');
    this.#setHealth('down', 'closed');
  }

  #handle(event: ClientEvent): void {
    const eventId = event.event_id;
    switch (event.type) {
      case 'session.update': {
        const s = event.session;
        if (s.instructions !== undefined) this.#session = { ...this.#session, instructions: s.instructions };
        const phrases = (s as { 'sotto:phrases'?: unknown })['sotto:phrases'];
        if (Array.isArray(phrases)) this.#phrases = phrases.filter((p): p is string => typeof p === 'string');
        this.#serverSend({ type: 'session.updated', session: this.#session });
        return;
      }
      case 'input_audio_buffer.append': {
        const samples = decodeAppendAudio(event.audio);
        if (samples) this.#conv.append(samples);
        else this.#protocolError('invalid_event', 'audio must be base64 of 16-bit PCM at 24 kHz', eventId, 'audio');
        return;
      }
      case 'input_audio_buffer.commit':
        this.#commit(eventId);
        return;
      case 'input_audio_buffer.clear':
        this.#conv.clearPending();
        this.#serverSend({ type: 'input_audio_buffer.cleared' });
        return;
      case 'conversation.item.create': {
        const { item, previous } = this.#conv.create(event.item);
        this.#serverSend({ type: 'conversation.item.added', previous_item_id: previous, item });
        this.#serverSend({ type: 'conversation.item.done', previous_item_id: previous, item });
        return;
      }
      case 'conversation.item.retrieve': {
        const item = this.#conv.find(event.item_id);
        if (item) this.#serverSend({ type: 'conversation.item.retrieved', item });
        else this.#protocolError('item_not_found', `no item "${event.item_id}"`, eventId, 'item_id');
        return;
      }
      case 'conversation.item.delete': {
        if (!this.#conv.find(event.item_id)) {
          this.#protocolError('item_not_found', `no item "${event.item_id}"`, eventId, 'item_id');
          return;
        }
        this.#replies.deleting(event.item_id);
        this.#conv.delete(event.item_id);
        this.#serverSend({ type: 'conversation.item.deleted', item_id: event.item_id });
        return;
      }
      case 'conversation.item.truncate':
        this.#replies.truncate(event.item_id, event.content_index, event.audio_end_ms, eventId);
        return;
      case 'response.create':
        this.#replies.create(event, eventId);
        return;
      case 'response.cancel':
        this.#replies.cancelRequested(event, eventId);
        return;
      case 'output_audio_buffer.clear':
        this.#replies.clearOutput();
        return;
      case 'sotto.ping':
        this.#serverSend({ type: 'sotto.pong', 'sotto:nonce': event['sotto:nonce'] });
        return;
      case 'sotto.turn.ending':
      case 'sotto.turn.resumed':
        return; // hints; recognition starts at the commit anyway
    }
  }

  #commit(eventId: string | undefined): void {
    const ms = this.#conv.pendingMs;
    if (ms < MIN_TURN_MS) {
      this.#protocolError(
        'input_audio_buffer_commit_empty',
        `buffer too small: ${Math.round(ms)} ms of audio, at least ${MIN_TURN_MS} ms needed`,
        eventId,
      );
      return;
    }
    const { item, previous, audio, turn } = this.#conv.commit();
    const committedAt = performance.now();
    this.#serverSend({
      type: 'input_audio_buffer.committed',
      previous_item_id: previous,
      item_id: item.id,
      'sotto:audio_ms': Math.round(ms),
    });
    this.#serverSend({ type: 'conversation.item.added', previous_item_id: previous, item });
    this.#serverSend({ type: 'conversation.item.done', previous_item_id: previous, item });
    const recognition = recognise(this.#engine, { ...this.#o.asr, phrases: this.#phrases }, item, audio, turn, {
      send: (e) => {
        this.#serverSend(e);
      },
      error: (e) => {
        this.emit('error', e);
      },
    });
    this.#audio.set(item.id, { item, recognition, turn, committedAt });
  }

  #protocolError(code: string, message: string, eventId?: string, param?: string): void {
    const error: ErrorInfo = {
      type: 'invalid_request_error',
      code,
      message,
      event_id: eventId ?? null,
      param: param ?? null,
    };
    this.#serverSend({ type: 'error', error });
  }

  /** Emits a server event with an id, after the current call (so a listener may call `send()` again). */
  #serverSend(event: OutgoingServerEvent): void {
    const full: ServerEvent = { event_id: newId('event'), ...event };
    queueMicrotask(() => {
      this.emit('server_event', full);
    });
  }

  async #createOutput(): Promise<ReplyOutput> {
    const ctx = this.#o.audioContext;
    if (!ctx) throw new SottoError('internal', 'no audioContext');
    const { PlaybackNode } = await import('../audio/playback-node.ts');
    const node = await PlaybackNode.create(ctx);
    node.output.connect(this.#o.destination ?? ctx.destination);
    this.#ownedNode = node;
    return node;
  }

  async #createEngine(): Promise<OfflineEngine> {
    const models = this.#o.models;
    if (!models) throw new SottoError('internal', 'no models configured');
    const { WorkerEngine } = await import('./worker-engine.ts');
    return new WorkerEngine(models);
  }

  async #release(): Promise<void> {
    const engine = this.#engine;
    this.#engine = null;
    await engine?.close().catch(() => undefined);
    this.#ownedNode?.close();
    this.#ownedNode = null;
  }

  #setStatus(status: TransportStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.emit('status', status);
  }

  #setHealth(level: HealthSnapshot['level'], reason: string): void {
    if (level === this.#health.level && reason === this.#health.reason) return;
    this.#health = { level, reason, rttMs: level === 'healthy' ? 0 : null, sinceLastPongMs: 0 };
    this.emit('health', this.#health);
  }
}
