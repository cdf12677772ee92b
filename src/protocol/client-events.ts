/** Events a client sends (OpenAI Realtime GA names and shapes, plus optional `sotto.` extensions). */
import type { ConversationItem } from './items.ts';
import type { OutputModality, SessionConfig } from './session.ts';

interface ClientEventBase {
  /** Optional client-generated id, echoed back in `error.event_id` when this event is rejected. */
  event_id?: string;
}

/** GA requires `session.type: 'realtime'`; the Sotto server also accepts an update without it. */
export interface SessionUpdateEvent extends ClientEventBase {
  type: 'session.update';
  session: SessionConfig & { type: 'realtime' };
}

/**
 * Appends audio to the input buffer: base64 of little-endian 16-bit mono PCM at 24 kHz (the GA
 * `audio/pcm` format). Normally the user's audio arrives on the WebRTC track instead.
 */
export interface InputAudioBufferAppendEvent extends ClientEventBase {
  type: 'input_audio_buffer.append';
  audio: string;
}
export interface InputAudioBufferCommitEvent extends ClientEventBase {
  type: 'input_audio_buffer.commit';
}
export interface InputAudioBufferClearEvent extends ClientEventBase {
  type: 'input_audio_buffer.clear';
}

export interface ConversationItemCreateEvent extends ClientEventBase {
  type: 'conversation.item.create';
  /** Insert after this item; `root` (GA) inserts at the start; absent appends. The Sotto server reads null as `root`. */
  previous_item_id?: string;
  item: ConversationItem;
}
export interface ConversationItemRetrieveEvent extends ClientEventBase {
  type: 'conversation.item.retrieve';
  item_id: string;
}
export interface ConversationItemDeleteEvent extends ClientEventBase {
  type: 'conversation.item.delete';
  item_id: string;
}
/**
 * Cuts an assistant item's audio at what the user actually heard. `audio_end_ms` must not exceed the
 * audio the server sent for that item.
 */
export interface ConversationItemTruncateEvent extends ClientEventBase {
  type: 'conversation.item.truncate';
  item_id: string;
  content_index: number;
  audio_end_ms: number;
}

export interface ResponseCreateParams {
  instructions?: string;
  output_modalities?: OutputModality[];
  /** `none` makes an out-of-band response that is not added to the conversation. */
  conversation?: 'auto' | 'none';
  metadata?: Record<string, string> | null;
  max_output_tokens?: number | 'inf';
}
export interface ResponseCreateEvent extends ClientEventBase {
  type: 'response.create';
  response?: ResponseCreateParams;
}
export interface ResponseCancelEvent extends ClientEventBase {
  type: 'response.cancel';
  response_id?: string;
}

/** Stops the agent's audio output now (WebRTC): the server drops what it has queued. */
export interface OutputAudioBufferClearEvent extends ClientEventBase {
  type: 'output_audio_buffer.clear';
}

/** Extension `sotto.turn`: the client expects the user's turn to end soon. A hint; see extensions.ts. */
export interface SottoTurnEndingEvent extends ClientEventBase {
  type: 'sotto.turn.ending';
  /** How long the user has been silent when this was sent, in ms. */
  'sotto:silence_ms'?: number;
}
/** Extension `sotto.turn`: the user kept talking after `sotto.turn.ending`. */
export interface SottoTurnResumedEvent extends ClientEventBase {
  type: 'sotto.turn.resumed';
}

/** Extension `sotto.heartbeat`: asks the server for a `sotto.pong` with the same nonce. */
export interface SottoPingEvent extends ClientEventBase {
  type: 'sotto.ping';
  'sotto:nonce': number;
}

export type ClientEvent =
  | SessionUpdateEvent
  | InputAudioBufferAppendEvent
  | InputAudioBufferCommitEvent
  | InputAudioBufferClearEvent
  | ConversationItemCreateEvent
  | ConversationItemRetrieveEvent
  | ConversationItemDeleteEvent
  | ConversationItemTruncateEvent
  | ResponseCreateEvent
  | ResponseCancelEvent
  | OutputAudioBufferClearEvent
  | SottoTurnEndingEvent
  | SottoTurnResumedEvent
  | SottoPingEvent;

export type ClientEventType = ClientEvent['type'];
