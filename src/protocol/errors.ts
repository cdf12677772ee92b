/** The `error` event's payload and every code the reference server uses. */

export type ProtocolErrorCode =
  // Decoding and validation (codec.ts / validate.ts)
  /** The event is larger than `MAX_EVENT_BYTES`. */
  | 'event_too_large'
  /** Not UTF-8 JSON. */
  | 'invalid_json'
  /** JSON, but not an event object, or a known event with a wrong shape. */
  | 'invalid_event'
  /** An event type this peer does not know. */
  | 'unknown_event'
  // Flow control
  /** The sender exceeded its event rate; events are dropped until the bucket refills. */
  | 'rate_limited'
  // Session flow
  | 'input_audio_buffer_commit_empty'
  | 'conversation_already_has_active_response'
  | 'response_cancel_not_active'
  | 'item_not_found'
  | 'invalid_content_index'
  /** `conversation.item.truncate` asked for more audio than the server sent for the item. */
  | 'audio_end_ms_out_of_range'
  /** A valid value the server does not support (e.g. an audio format, text-only output); `param` names the field. */
  | 'unsupported_value'
  /** The event came from a participant other than the one the session serves. */
  | 'not_session_owner'
  /** The brain failed to produce a reply. */
  | 'response_failed';

export interface ErrorInfo {
  /** `invalid_request_error` (the client's event) or `server_error`. */
  type: string;
  /** A {@link ProtocolErrorCode} from the reference server; any string (or null/absent) from other servers. */
  code?: string | null;
  message: string;
  /** The offending parameter, e.g. `audio_end_ms`. */
  param?: string | null;
  /** The client `event_id` of the rejected event, when it had one. */
  event_id?: string | null;
}
