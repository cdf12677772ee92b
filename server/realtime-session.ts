/**
 * One Realtime session: the agent side of one room, independent of LiveKit. The room binding
 * (livekit-session.ts) feeds it the user's audio and data-channel bytes; it answers with server events
 * through `send` and reply audio through the sink. Bad, unknown or flooding events get an `error` event
 * and are dropped: nothing a client sends can throw out of `receive`.
 */
import {
  MAX_EVENT_BYTES,
  parseClientEvent,
  type ClientEvent,
  type ConversationItem,
  type OutgoingServerEvent,
  type ProtocolErrorCode,
  type ResponseCreateParams,
  type SessionInfo,
  type TurnDetection,
} from '../src/protocol/index.ts';
import type { AudioSink } from './audio-sink.ts';
import type { Brain, BrainTurn } from './brains/index.ts';
import { Conversation, ConversationError } from './conversation.ts';
import { newId } from './ids.ts';
import { INPUT_RATE, InputTurns, MIN_COMMIT_MS } from './input-turns.ts';
import { FloodGuard } from './rate-limit.ts';
import { ResponseRunner, type CancelReason } from './response-runner.ts';
import { APPEND_RATE, applySessionUpdate, initialSession } from './session-config.ts';
import { decodePcm16Base64 } from './tts/pcm.ts';
import { SessionServerVad } from './session-server-vad.ts';
import type { SpeechModel } from './vad/silero-model.ts';
import { MicArrival } from './mic-arrival.ts';

export { INPUT_RATE } from './input-turns.ts';

export interface SessionIO {
  send(event: OutgoingServerEvent): void;
  sink: AudioSink;
  /** Monotonic clock in ms (performance.now). */
  now(): number;
  log(msg: string, extra?: Record<string, unknown>): void;
  /** Loads the server VAD model (Silero); needed only when a client turns server_vad on. */
  loadVadModel?: () => Promise<SpeechModel>;
  /** A transcript delta of a reply, with where it starts in the reply's audio (captions paced with playback). */
  agentTranscript?(e: AgentTranscriptDelta): void;
}

export interface AgentTranscriptDelta {
  responseId: string;
  itemId: string;
  delta: string;
  /** Position in the reply's audio where this text starts, in ms. */
  atMs: number;
}

export interface SessionOptions {
  /** Turn detection at session start. Default null (the client commits turns). */
  turnDetection?: TurnDetection;
  /** Flood limit per sender: burst size and sustained events per second. Defaults 100 and 50. */
  flood?: { capacity?: number; ratePerSecond?: number };
  /**
   * A client that sends no Realtime event within this many ms of `start()` (a stock LiveKit client, which
   * only publishes its microphone) gets server VAD with OpenAI's defaults, so its turns are answered. A
   * later `session.update` sets whatever it asks for. Default: off (undefined).
   */
  serverVadForSilentClientMs?: number;
}

interface ErrorOpts {
  eventId?: string | undefined;
  param?: string;
  type?: string;
}

export class RealtimeSession {
  readonly id = newId('sess');
  readonly #io: SessionIO;
  readonly #brain: Brain;
  readonly #turns: InputTurns;
  readonly #conversation = new Conversation();
  readonly #flood: FloodGuard;
  #session: SessionInfo;
  #response: ResponseRunner | null = null;
  /** The current response's run (settles after its response.done). */
  #running: Promise<void> = Promise.resolve();
  #lastResponseId = '';
  readonly #serverVad: SessionServerVad;
  #closed = false;
  readonly #silentClientMs: number | undefined;
  #silentClientTimer: ReturnType<typeof setTimeout> | undefined;
  #heardFromClient = false;
  /** How the user's audio arrives (for the heartbeat's pong). */
  readonly #mic = new MicArrival();

  constructor(io: SessionIO, brain: Brain, opts: SessionOptions = {}) {
    this.#io = io;
    this.#brain = brain;
    this.#flood = new FloodGuard(opts.flood);
    this.#turns = new InputTurns(
      this.#conversation,
      (e) => {
        io.send(e);
      },
      () => io.now(),
    );
    this.#session = initialSession(this.id, brain.name, opts.turnDetection ?? null);
    this.#silentClientMs = opts.serverVadForSilentClientMs;
    this.#serverVad = new SessionServerVad({
      turns: this.#turns,
      send: (e) => {
        io.send(e);
      },
      log: (msg, extra) => {
        io.log(msg, extra);
      },
      loadVadModel: io.loadVadModel,
      closed: () => this.#closed,
      responding: () => this.#responding(),
      cancel: (reason) => {
        this.#cancel(reason);
      },
      commit: (o) => this.#commit(o),
      respond: () => {
        this.#createResponse(undefined, undefined);
      },
      error: (code, message, o) => {
        this.#error(code, message, o);
      },
    });
  }

  get session(): SessionInfo {
    return this.#session;
  }

  get conversation(): Conversation {
    return this.#conversation;
  }

  /** Announces the session (`session.created`) and starts server VAD if configured. */
  start(): void {
    this.announce();
    this.#applyTurnDetection();
    const ms = this.#silentClientMs;
    if (ms !== undefined && !this.#heardFromClient && this.#silentClientTimer === undefined) {
      this.#silentClientTimer = setTimeout(() => {
        this.#onSilentClient();
      }, ms);
    }
  }

  /** No Realtime event from the client: it does not speak the protocol, so the server detects its turns. */
  #onSilentClient(): void {
    if (this.#closed || this.#heardFromClient) return;
    if ((this.#session.audio?.input?.turn_detection ?? null) !== null) return;
    this.#io.log('client sent no Realtime event: server VAD on by default');
    const r = applySessionUpdate(this.#session, { audio: { input: { turn_detection: { type: 'server_vad' } } } });
    this.#session = r.session;
    this.#applyTurnDetection();
    this.#io.send({ type: 'session.updated', session: this.#session });
  }

  /**
   * Typed user input from outside the Realtime protocol (LiveKit's `lk.chat`): interrupts the reply in
   * progress, adds the text as a user message and answers it.
   */
  typedInput(text: string): void {
    if (this.#closed || text.trim() === '') return;
    const active = this.#response && !this.#response.done ? this.#running : null;
    if (active) this.#cancel('client_cancelled');
    this.#createItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }, undefined, undefined);
    // A cancelled reply still sends its response.done: answer once it has.
    void (active ?? Promise.resolve()).then(() => {
      if (!this.#closed && !(this.#response && !this.#response.done)) this.#createResponse(undefined, undefined);
    });
  }

  /**
   * Sends `session.created` (again, to a client that rejoined: the same session id tells it that the
   * conversation and configuration carried over).
   */
  announce(): void {
    this.#io.send({ type: 'session.created', session: this.#session });
  }

  /** Stops the reply in progress, if any (e.g. the user left the room). */
  cancelResponse(reason: CancelReason): void {
    this.#cancel(reason);
  }

  /** Feeds user audio (mono 16-bit PCM at {@link INPUT_RATE}). */
  pushAudio(pcm: Int16Array): void {
    if (this.#closed) return;
    this.#mic.frame(this.#io.now());
    this.#turns.buffer.append(pcm);
    this.#serverVad.push(pcm);
  }

  /**
   * Handles one message from `sender`: a data packet (up to `MAX_EVENT_BYTES`), or a text stream read up
   * to `maxBytes`. Never throws.
   */
  receive(bytes: Uint8Array, sender = 'client', maxBytes = MAX_EVENT_BYTES): void {
    if (this.#closed) return;
    this.#heardFromClient = true;
    clearTimeout(this.#silentClientTimer);
    const verdict = this.#flood.check(sender, this.#io.now());
    if (verdict !== 'accept') {
      if (verdict === 'reject_and_report') {
        this.#error('rate_limited', 'too many events: dropping events until the rate falls', {
          type: 'rate_limit_error',
        });
      }
      return;
    }
    const parsed = parseClientEvent(bytes, { maxBytes });
    if (!parsed.ok) {
      this.#error(parsed.code, parsed.message, {
        eventId: parsed.eventId,
        ...(parsed.param === undefined ? {} : { param: parsed.param }),
      });
      return;
    }
    try {
      this.#handle(parsed.event);
    } catch (e) {
      this.#io.log('event handler failed', { error: String(e), type: parsed.event.type });
      this.#error('invalid_event', `could not handle ${parsed.event.type}`, {
        eventId: parsed.event.event_id,
        type: 'server_error',
      });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#response?.cancel('session_closed');
    this.#closed = true;
    clearTimeout(this.#silentClientTimer);
    this.#serverVad.close();
  }

  #handle(event: ClientEvent): void {
    const eventId = event.event_id;
    switch (event.type) {
      case 'session.update': {
        // Each unsupported field is refused on its own (an error naming it); the rest applies.
        const r = applySessionUpdate(this.#session, event.session);
        for (const refusal of r.refused) {
          this.#error('unsupported_value', refusal.message, { eventId, param: refusal.param });
        }
        if (!r.applied && r.refused.length > 0) return;
        const before = JSON.stringify(this.#session.audio?.input?.turn_detection ?? null);
        this.#session = r.session;
        if (JSON.stringify(this.#session.audio?.input?.turn_detection ?? null) !== before) this.#applyTurnDetection();
        this.#io.send({ type: 'session.updated', session: this.#session });
        return;
      }
      case 'input_audio_buffer.append': {
        const pcm = this.#turns.decodeAppend(event.audio);
        if (pcm) this.pushAudio(pcm);
        else this.#error('invalid_event', 'audio must be base64 of 16-bit PCM', { eventId, param: 'audio' });
        return;
      }
      case 'input_audio_buffer.commit':
        this.#commit({ eventId });
        return;
      case 'input_audio_buffer.clear':
        this.#turns.buffer.clear();
        this.#serverVad.reset();
        this.#io.send({ type: 'input_audio_buffer.cleared' });
        return;
      case 'conversation.item.create':
        this.#createItem(event.item, startOrAfter(event.previous_item_id), eventId);
        return;
      case 'conversation.item.retrieve': {
        const item = this.#conversation.get(event.item_id);
        if (!item) this.#error('item_not_found', `no item "${event.item_id}"`, { eventId, param: 'item_id' });
        else this.#io.send({ type: 'conversation.item.retrieved', item });
        return;
      }
      case 'conversation.item.delete':
        this.#conversationOp(eventId, () => {
          if (this.#response?.item.id === event.item_id) this.#cancel('client_cancelled');
          this.#conversation.delete(event.item_id);
          this.#io.send({ type: 'conversation.item.deleted', item_id: event.item_id });
        });
        return;
      case 'conversation.item.truncate':
        this.#conversationOp(eventId, () => {
          const { item_id, content_index, audio_end_ms } = event;
          const active = this.#response;
          if (active?.item.id === item_id && !active.done) {
            // Check against what was sent before cutting the reply short, then stop it.
            if (audio_end_ms > Math.ceil(active.sentMs)) {
              throw new ConversationError(
                'audio_end_ms_out_of_range',
                'audio_end_ms',
                `audio_end_ms ${audio_end_ms} is beyond the ${Math.round(active.sentMs)} ms of audio sent so far`,
              );
            }
            this.#cancel('truncated');
          }
          this.#conversation.truncate(item_id, content_index, audio_end_ms);
          this.#io.send({ type: 'conversation.item.truncated', item_id, content_index, audio_end_ms });
        });
        return;
      case 'response.create':
        this.#createResponse(event.response, eventId);
        return;
      case 'response.cancel': {
        const active = this.#response;
        if (!active || active.done || (event.response_id !== undefined && event.response_id !== active.id)) {
          this.#error('response_cancel_not_active', 'no response in progress to cancel', {
            eventId,
            param: 'response_id',
          });
          return;
        }
        this.#cancel('client_cancelled');
        return;
      }
      case 'output_audio_buffer.clear':
        if (this.#response && !this.#response.done) this.#cancel('output_cleared');
        else {
          this.#io.sink.clear();
          this.#io.send({ type: 'output_audio_buffer.cleared', response_id: this.#lastResponseId });
        }
        return;
      case 'sotto.turn.ending':
        try {
          this.#brain.prepare?.({ samples: this.#turns.buffer.samples, sampleRate: INPUT_RATE });
        } catch (e) {
          this.#io.log('brain.prepare failed', { error: String(e) });
        }
        return;
      case 'sotto.ping':
        this.#io.send({ type: 'sotto.pong', 'sotto:nonce': event['sotto:nonce'], ...this.#mic.report(this.#io.now()) });
        return;
      case 'sotto.turn.resumed':
        // Nothing was committed or played on the hint, so there is nothing to undo.
        return;
    }
  }

  /** Commits the input buffer as a user item; reports an error for a too-short client commit. */
  #commit(opts: { eventId?: string | undefined; itemId?: string; until?: number }): string | null {
    // A manual commit ends any speech the server VAD was tracking.
    if (opts.itemId === undefined) this.#serverVad.reset();
    const r = this.#turns.commit(opts);
    if (r.ok) return r.itemId;
    this.#error(
      'input_audio_buffer_commit_empty',
      `buffer too small: ${Math.round(r.ms)} ms of audio, at least ${MIN_COMMIT_MS} ms needed`,
      { eventId: opts.eventId },
    );
    return null;
  }

  #createItem(input: ConversationItem, previous: string | null | undefined, eventId: string | undefined): void {
    this.#conversationOp(eventId, () => {
      // Input audio inside the item (base64 24 kHz PCM) is kept as the item's audio, not in the item.
      const audioB64 =
        input.type === 'message' ? input.content.find((c) => c.type === 'input_audio')?.audio : undefined;
      const { item, previousItemId } = this.#conversation.add(input, previous);
      if (audioB64) this.#conversation.setAudio(item.id, decodePcm16Base64(audioB64), APPEND_RATE);
      if (item.type === 'message' && item.role === 'user')
        this.#turns.lastUser = { itemId: item.id, at: this.#io.now() };
      this.#io.send({ type: 'conversation.item.added', previous_item_id: previousItemId, item });
      this.#io.send({ type: 'conversation.item.done', previous_item_id: previousItemId, item });
    });
  }

  #createResponse(params: ResponseCreateParams | undefined, eventId: string | undefined): void {
    if (this.#response && !this.#response.done) {
      this.#error('conversation_already_has_active_response', `response ${this.#response.id} is in progress`, {
        eventId,
      });
      return;
    }
    if (params?.output_modalities && params.output_modalities.join() !== 'audio') {
      this.#error('unsupported_value', 'only ["audio"] output is supported', { eventId, param: 'output_modalities' });
      return;
    }
    const inConversation = params?.conversation !== 'none';
    const last = this.#conversation.lastUserItem();
    const text =
      last?.type === 'message'
        ? last.content
            .filter((c) => c.type === 'input_text')
            .map((c) => c.text)
            .join(' ')
        : '';
    const turn: BrainTurn = {
      items: inConversation ? this.#conversation.items : [],
      audio: last ? this.#conversation.audioOf(last.id) : null,
      text: text || null,
      instructions: params?.instructions ?? this.#session.instructions ?? '',
    };
    const committedAt = last && this.#turns.lastUser?.itemId === last.id ? this.#turns.lastUser.at : null;
    const runner = new ResponseRunner({
      brain: this.#brain,
      sink: this.#io.sink,
      conversation: this.#conversation,
      send: (e) => {
        this.#send(e);
      },
      now: () => this.#io.now(),
      log: (msg, extra) => {
        this.#io.log(msg, extra);
      },
      turn,
      inConversation,
      metadata: params?.metadata ?? null,
      committedAt,
      onInputTranscript: (text) => {
        if (last) this.#turns.transcribed(last.id, text);
      },
      onTranscript: (delta, atMs) => {
        this.#io.agentTranscript?.({ responseId: runner.id, itemId: runner.item.id, delta, atMs });
      },
    });
    this.#response = runner;
    this.#lastResponseId = runner.id;
    this.#serverVad.activity();
    this.#running = runner.run().finally(() => {
      if (this.#response === runner) this.#response = null;
      this.#serverVad.replyEnded();
    });
  }

  #cancel(reason: CancelReason): void {
    this.#response?.cancel(reason);
  }

  #responding(): boolean {
    return this.#response !== null && !this.#response.done;
  }

  #applyTurnDetection(): void {
    this.#serverVad.apply(this.#session.audio?.input?.turn_detection ?? null);
  }

  // --- helpers ----------------------------------------------------------------------------------

  #conversationOp(eventId: string | undefined, op: () => void): void {
    try {
      op();
    } catch (e) {
      if (!(e instanceof ConversationError)) throw e;
      this.#error(e.code, e.message, { eventId, param: e.param });
    }
  }

  #error(code: ProtocolErrorCode, message: string, opts: ErrorOpts = {}): void {
    this.#io.send({
      type: 'error',
      error: {
        type: opts.type ?? 'invalid_request_error',
        code,
        message,
        param: opts.param ?? null,
        event_id: opts.eventId ?? null,
      },
    });
  }

  #send(event: OutgoingServerEvent): void {
    if (!this.#closed || event.type.startsWith('response.') || event.type.startsWith('output_audio_buffer.')) {
      this.#io.send(event);
    }
  }
}

/** GA's `root` (and the null older clients sent) inserts at the start: the conversation's `null`. */
function startOrAfter(previous: string | null | undefined): string | null | undefined {
  return previous === 'root' ? null : previous;
}
