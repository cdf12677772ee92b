/**
 * Realtime wire events: the OpenAI Realtime GA names and shapes that Sotto speaks on the LiveKit data
 * channel. Only the subset the SDK and the reference server use today; it grows with the protocol work.
 */

/** Data-channel topic that carries Realtime events (JSON, one event per message). */
export const REALTIME_TOPIC = 'sotto.realtime';

/** Protocol version, announced by the server in `session.created`. */
export const PROTOCOL_VERSION = 1;

interface ClientEventBase {
  /** Optional client-generated id, echoed back in `error.event_id` when this event is rejected. */
  event_id?: string;
}

export interface InputAudioBufferCommitEvent extends ClientEventBase {
  type: 'input_audio_buffer.commit';
}
export interface InputAudioBufferClearEvent extends ClientEventBase {
  type: 'input_audio_buffer.clear';
}
export interface ResponseCreateEvent extends ClientEventBase {
  type: 'response.create';
}
export interface ResponseCancelEvent extends ClientEventBase {
  type: 'response.cancel';
  response_id?: string;
}

export type ClientEvent =
  InputAudioBufferCommitEvent | InputAudioBufferClearEvent | ResponseCreateEvent | ResponseCancelEvent;

export type ClientEventType = ClientEvent['type'];

interface ServerEventBase {
  event_id: string;
}

export interface SessionInfo {
  id: string;
  /** Sotto extension: protocol version (see {@link PROTOCOL_VERSION}). */
  'sotto:protocol_version'?: number;
}

export interface SessionCreatedEvent extends ServerEventBase {
  type: 'session.created';
  session: SessionInfo;
}
export interface InputAudioBufferCommittedEvent extends ServerEventBase {
  type: 'input_audio_buffer.committed';
  item_id: string;
  /** Sotto extension: milliseconds of audio in the committed turn. */
  'sotto:audio_ms'?: number;
}
export interface InputAudioBufferClearedEvent extends ServerEventBase {
  type: 'input_audio_buffer.cleared';
}

export type ResponseStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

export interface ResponseInfo {
  id: string;
  status: ResponseStatus;
  /** Sotto extension: server-side timings in milliseconds. */
  'sotto:timings'?: { commit_to_first_audio_ms?: number; audio_ms?: number };
}

export interface ResponseCreatedEvent extends ServerEventBase {
  type: 'response.created';
  response: ResponseInfo;
}
export interface ResponseDoneEvent extends ServerEventBase {
  type: 'response.done';
  response: ResponseInfo;
}

export interface OutputAudioBufferStartedEvent extends ServerEventBase {
  type: 'output_audio_buffer.started';
  response_id: string;
}
export interface OutputAudioBufferStoppedEvent extends ServerEventBase {
  type: 'output_audio_buffer.stopped';
  response_id: string;
}

export interface ErrorInfo {
  type: string;
  code: string;
  message: string;
  event_id?: string;
}
export interface ErrorEvent extends ServerEventBase {
  type: 'error';
  error: ErrorInfo;
}

export type ServerEvent =
  | SessionCreatedEvent
  | InputAudioBufferCommittedEvent
  | InputAudioBufferClearedEvent
  | ResponseCreatedEvent
  | ResponseDoneEvent
  | OutputAudioBufferStartedEvent
  | OutputAudioBufferStoppedEvent
  | ErrorEvent;

export type ServerEventType = ServerEvent['type'];
