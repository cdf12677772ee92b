/** Every error code the SDK reports, in a thrown {@link SottoError} or an `error` event. */
export type SottoErrorCode =
  /** The LiveKit server could not be reached (network, DNS, refused, or it closed the socket). */
  | 'server_unreachable'
  /** The server refused the access token (expired, wrong key or secret, missing grants). */
  | 'token_rejected'
  /** Connecting took longer than `connectTimeoutMs`. */
  | 'connect_timeout'
  /** The user or the browser denied microphone access. */
  | 'mic_permission_denied'
  /** No microphone is present, or the one asked for does not exist. */
  | 'no_microphone'
  /** A required browser feature is missing (getUserMedia, WebRTC, AudioContext). */
  | 'unsupported_browser'
  /** The call needs a connected session. */
  | 'not_connected'
  /** The server sent an event that is not valid Realtime protocol; the event was dropped. */
  | 'protocol_error'
  /** The server reported an error with an `error` event. */
  | 'server_error'
  /** The on-device VAD failed (model, backend, worker); `cause` is the `VadError`. */
  | 'vad_error'
  /**
   * An on-device model (ASR model, TTS or onnxruntime wasm) could not be fetched, is not in the offline
   * cache, or is corrupt (wrong checksum, not a valid model). `prepareOffline()` while online fixes it.
   */
  | 'model_unavailable'
  /** The on-device engine failed while running (worker crashed, recognition or synthesis failed). */
  | 'offline_engine_error'
  /** The browser refused to play audio before a user gesture; it resumes on the next click or key. */
  | 'audio_blocked'
  /**
   * Someone in the room who is not the session's agent sent a Realtime event (another participant with a
   * token for the same room); the event was dropped. Reported once per participant.
   */
  | 'untrusted_participant'
  /**
   * The agent did not answer: a reply was asked for and did not start within `replyTimeoutMs`, or the
   * agent left the room mid-conversation (its job crashed). The turn is asked again of the next agent.
   */
  | 'agent_unresponsive'
  /**
   * No agent joined the room within `agent.waitMs` (15 s) of connecting: nothing will answer. The session
   * keeps waiting (an agent that joins later is taken on); reported once per connection.
   */
  | 'no_agent'
  /** An option is missing or out of range (a transport without its URL, a key of the wrong type). */
  | 'invalid_option'
  /** Anything else; `cause` holds the original. */
  | 'internal';

/**
 * The one error class of the SDK. `name` is a literal so it survives minification; `code` is stable and
 * meant for programs; `cause` keeps the underlying error.
 */
export class SottoError extends Error {
  override readonly name = 'SottoError';
  readonly code: SottoErrorCode;

  constructor(code: SottoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Type guard that also narrows on a code. */
export function isSottoError(e: unknown, code?: SottoErrorCode): e is SottoError {
  return e instanceof SottoError && (code === undefined || e.code === code);
}
