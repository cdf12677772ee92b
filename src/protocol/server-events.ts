/** Events the server sends (OpenAI Realtime GA names and shapes, plus optional `sotto:` fields). */
import type { ErrorInfo } from './errors.ts';
import type { SottoTimings } from './extensions.ts';
import type { ResponsePart, ServerItem } from './items.ts';
import type { OutputModality, SessionInfo } from './session.ts';

interface ServerEventBase {
  event_id: string;
}

export interface ErrorEvent extends ServerEventBase {
  type: 'error';
  error: ErrorInfo;
}

export interface SessionCreatedEvent extends ServerEventBase {
  type: 'session.created';
  session: SessionInfo;
}
export interface SessionUpdatedEvent extends ServerEventBase {
  type: 'session.updated';
  session: SessionInfo;
}

// --- conversation -------------------------------------------------------------------------------

export interface ConversationItemAddedEvent extends ServerEventBase {
  type: 'conversation.item.added';
  previous_item_id?: string | null;
  item: ServerItem;
}
export interface ConversationItemDoneEvent extends ServerEventBase {
  type: 'conversation.item.done';
  previous_item_id?: string | null;
  item: ServerItem;
}
export interface ConversationItemRetrievedEvent extends ServerEventBase {
  type: 'conversation.item.retrieved';
  item: ServerItem;
}
export interface ConversationItemTruncatedEvent extends ServerEventBase {
  type: 'conversation.item.truncated';
  item_id: string;
  content_index: number;
  audio_end_ms: number;
}
export interface ConversationItemDeletedEvent extends ServerEventBase {
  type: 'conversation.item.deleted';
  item_id: string;
}
export interface InputAudioTranscriptionDeltaEvent extends ServerEventBase {
  type: 'conversation.item.input_audio_transcription.delta';
  item_id: string;
  /** Optional in GA (some servers leave it out); 0 when absent. */
  content_index?: number;
  /** Optional in GA; absent means no new text. */
  delta?: string;
}
export interface InputAudioTranscriptionCompletedEvent extends ServerEventBase {
  type: 'conversation.item.input_audio_transcription.completed';
  item_id: string;
  content_index: number;
  transcript: string;
  /** GA: what the transcription cost; Sotto servers report the audio's duration. Not read by the SDK. */
  usage: TranscriptionUsage;
}
export type TranscriptionUsage =
  | { type: 'duration'; seconds: number }
  | {
      type: 'tokens';
      input_tokens: number;
      output_tokens: number;
      total_tokens: number;
      input_token_details?: { audio_tokens?: number; text_tokens?: number };
    };
export interface InputAudioTranscriptionFailedEvent extends ServerEventBase {
  type: 'conversation.item.input_audio_transcription.failed';
  item_id: string;
  content_index: number;
  error: { type?: string; code?: string; message: string };
}

// --- input audio buffer ---------------------------------------------------------------------------

export interface InputAudioBufferCommittedEvent extends ServerEventBase {
  type: 'input_audio_buffer.committed';
  previous_item_id?: string | null;
  item_id: string;
  /** Sotto extension: milliseconds of audio in the committed turn. */
  'sotto:audio_ms'?: number;
}
export interface InputAudioBufferClearedEvent extends ServerEventBase {
  type: 'input_audio_buffer.cleared';
}
/** Server VAD heard speech start. `audio_start_ms` counts from the start of the session's input audio. */
export interface InputAudioBufferSpeechStartedEvent extends ServerEventBase {
  type: 'input_audio_buffer.speech_started';
  audio_start_ms: number;
  item_id: string;
}
/** Server VAD heard the end of speech (after `silence_duration_ms` of silence). */
export interface InputAudioBufferSpeechStoppedEvent extends ServerEventBase {
  type: 'input_audio_buffer.speech_stopped';
  audio_end_ms: number;
  item_id: string;
}
export interface InputAudioBufferTimeoutTriggeredEvent extends ServerEventBase {
  type: 'input_audio_buffer.timeout_triggered';
  audio_start_ms: number;
  audio_end_ms: number;
  item_id: string;
}

// --- output audio (WebRTC) ------------------------------------------------------------------------

export interface OutputAudioBufferStartedEvent extends ServerEventBase {
  type: 'output_audio_buffer.started';
  response_id: string;
}
export interface OutputAudioBufferStoppedEvent extends ServerEventBase {
  type: 'output_audio_buffer.stopped';
  response_id: string;
}
export interface OutputAudioBufferClearedEvent extends ServerEventBase {
  type: 'output_audio_buffer.cleared';
  response_id: string;
}

// --- responses ------------------------------------------------------------------------------------

export type ResponseStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

/** GA's reasons a response stops early. */
export type ResponseStopReason = 'turn_detected' | 'client_cancelled' | 'max_output_tokens' | 'content_filter';

export interface ResponseStatusDetails {
  type?: Exclude<ResponseStatus, 'in_progress'>;
  /** GA reason (`turn_detected` or `client_cancelled` for a cancel, `max_output_tokens` when incomplete). */
  reason?: ResponseStopReason;
  error?: { type?: string; code?: string; message?: string };
  /** Sotto extension: the finer reason (`output_cleared`, `truncated`, `client_left`, `session_closed`, …). */
  'sotto:reason'?: string;
}

/** The `status_details` of a cancelled response: GA's reason, and Sotto's finer one. */
export function cancelledDetails(reason: string): ResponseStatusDetails {
  return {
    type: 'cancelled',
    reason: reason === 'turn_detected' ? 'turn_detected' : 'client_cancelled',
    'sotto:reason': reason,
  };
}

export interface Usage {
  total_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
}

/** A response (GA `RealtimeResponse`); Sotto servers always send `id` and `status`. */
export interface ResponseInfo {
  id: string;
  object?: 'realtime.response';
  status: ResponseStatus;
  status_details?: ResponseStatusDetails;
  output?: ServerItem[];
  output_modalities?: OutputModality[];
  /** Absent for an out-of-band response (`conversation: "none"`). */
  conversation_id?: string;
  metadata?: Record<string, string> | null;
  usage?: Usage;
  /** Sotto extension: server-side timings. */
  'sotto:timings'?: SottoTimings;
}

export interface ResponseCreatedEvent extends ServerEventBase {
  type: 'response.created';
  response: ResponseInfo;
}
export interface ResponseDoneEvent extends ServerEventBase {
  type: 'response.done';
  response: ResponseInfo;
}

interface OutputItemRef {
  response_id: string;
  output_index: number;
}
interface ContentRef extends OutputItemRef {
  item_id: string;
  content_index: number;
}

export interface ResponseOutputItemAddedEvent extends ServerEventBase, OutputItemRef {
  type: 'response.output_item.added';
  item: ServerItem;
}
export interface ResponseOutputItemDoneEvent extends ServerEventBase, OutputItemRef {
  type: 'response.output_item.done';
  item: ServerItem;
}
export interface ResponseContentPartAddedEvent extends ServerEventBase, ContentRef {
  type: 'response.content_part.added';
  part: ResponsePart;
}
export interface ResponseContentPartDoneEvent extends ServerEventBase, ContentRef {
  type: 'response.content_part.done';
  part: ResponsePart;
}
/** Base64 audio. Not sent over LiveKit (the audio is on the agent's track); part of the vocabulary for bridges. */
export interface ResponseOutputAudioDeltaEvent extends ServerEventBase, ContentRef {
  type: 'response.output_audio.delta';
  delta: string;
}
export interface ResponseOutputAudioDoneEvent extends ServerEventBase, ContentRef {
  type: 'response.output_audio.done';
}
export interface ResponseOutputAudioTranscriptDeltaEvent extends ServerEventBase, ContentRef {
  type: 'response.output_audio_transcript.delta';
  delta: string;
}
export interface ResponseOutputAudioTranscriptDoneEvent extends ServerEventBase, ContentRef {
  type: 'response.output_audio_transcript.done';
  transcript: string;
}
export interface ResponseOutputTextDeltaEvent extends ServerEventBase, ContentRef {
  type: 'response.output_text.delta';
  delta: string;
}
export interface ResponseOutputTextDoneEvent extends ServerEventBase, ContentRef {
  type: 'response.output_text.done';
  text: string;
}
export interface ResponseFunctionCallArgumentsDeltaEvent extends ServerEventBase, OutputItemRef {
  type: 'response.function_call_arguments.delta';
  item_id: string;
  call_id: string;
  delta: string;
}
export interface ResponseFunctionCallArgumentsDoneEvent extends ServerEventBase, OutputItemRef {
  type: 'response.function_call_arguments.done';
  item_id: string;
  call_id: string;
  name: string;
  arguments: string;
}

export interface RateLimit {
  name: 'requests' | 'tokens';
  limit: number;
  remaining: number;
  reset_seconds: number;
}
export interface RateLimitsUpdatedEvent extends ServerEventBase {
  type: 'rate_limits.updated';
  rate_limits: RateLimit[];
}

/** Extension `sotto.heartbeat`: the answer to `sotto.ping`, with its nonce. */
export interface SottoPongEvent extends ServerEventBase {
  type: 'sotto.pong';
  'sotto:nonce': number;
  /**
   * How the agent hears the user's mic: ms since its last audio frame arrived (-1: none yet), and ms of
   * audio it has had without a gap up to that frame. Optional: servers that do not say leave them out.
   */
  'sotto:audio_age_ms'?: number;
  'sotto:audio_run_ms'?: number;
}

export type ServerEvent =
  | ErrorEvent
  | SessionCreatedEvent
  | SessionUpdatedEvent
  | ConversationItemAddedEvent
  | ConversationItemDoneEvent
  | ConversationItemRetrievedEvent
  | ConversationItemTruncatedEvent
  | ConversationItemDeletedEvent
  | InputAudioTranscriptionDeltaEvent
  | InputAudioTranscriptionCompletedEvent
  | InputAudioTranscriptionFailedEvent
  | InputAudioBufferCommittedEvent
  | InputAudioBufferClearedEvent
  | InputAudioBufferSpeechStartedEvent
  | InputAudioBufferSpeechStoppedEvent
  | InputAudioBufferTimeoutTriggeredEvent
  | OutputAudioBufferStartedEvent
  | OutputAudioBufferStoppedEvent
  | OutputAudioBufferClearedEvent
  | ResponseCreatedEvent
  | ResponseDoneEvent
  | ResponseOutputItemAddedEvent
  | ResponseOutputItemDoneEvent
  | ResponseContentPartAddedEvent
  | ResponseContentPartDoneEvent
  | ResponseOutputAudioDeltaEvent
  | ResponseOutputAudioDoneEvent
  | ResponseOutputAudioTranscriptDeltaEvent
  | ResponseOutputAudioTranscriptDoneEvent
  | ResponseOutputTextDeltaEvent
  | ResponseOutputTextDoneEvent
  | ResponseFunctionCallArgumentsDeltaEvent
  | ResponseFunctionCallArgumentsDoneEvent
  | RateLimitsUpdatedEvent
  | SottoPongEvent;

export type ServerEventType = ServerEvent['type'];

/** `ServerEvent` without `event_id`, distributed over the union (what a server builds before sending). */
export type OutgoingServerEvent = ServerEvent extends infer E
  ? E extends ServerEvent
    ? Omit<E, 'event_id'>
    : never
  : never;
