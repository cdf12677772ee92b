/** Session configuration (OpenAI Realtime GA `session` object) and turn detection. */

/** Audio format on the wire. Sotto's audio travels as WebRTC tracks; this matters for `append` and bridges. */
export type AudioFormat = { type: 'audio/pcm'; rate?: 24_000 } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };

/**
 * Server-side voice activity detection. Defaults are OpenAI's: see {@link SERVER_VAD_DEFAULTS}.
 */
export interface ServerVadTurnDetection {
  type: 'server_vad';
  /** Speech probability above which a frame counts as speech, 0..1. Default 0.5. */
  threshold?: number;
  /** Audio kept before the detected speech start, in ms. Default 300. */
  prefix_padding_ms?: number;
  /** Silence that ends the turn, in ms. Default 500. */
  silence_duration_ms?: number;
  /** After this many ms without user speech following a response, the server triggers a turn. Default null (off). */
  idle_timeout_ms?: number | null;
  /** Start a response when a turn ends. Default true. */
  create_response?: boolean;
  /** Cancel the response in progress when the user starts speaking. Default true. */
  interrupt_response?: boolean;
}

export interface SemanticVadTurnDetection {
  type: 'semantic_vad';
  eagerness?: 'low' | 'medium' | 'high' | 'auto';
  create_response?: boolean;
  interrupt_response?: boolean;
}

/** `null` means manual turns: the client commits (its own endpointing, or push-to-talk). */
export type TurnDetection = ServerVadTurnDetection | SemanticVadTurnDetection | null;

/** OpenAI's server_vad defaults; the Sotto server applies them for every field left out. */
export const SERVER_VAD_DEFAULTS = {
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 500,
  idle_timeout_ms: null,
  create_response: true,
  interrupt_response: true,
} as const satisfies Required<Omit<ServerVadTurnDetection, 'type'>>;

export interface AudioInputConfig {
  format?: AudioFormat;
  turn_detection?: TurnDetection;
  /** Absent: no input transcription. (GA servers also read `null` as off; the Sotto server does too.) */
  transcription?: { model?: string; language?: string; prompt?: string };
  /** Absent: no noise reduction. (`null` is read as absent too.) */
  noise_reduction?: { type: 'near_field' | 'far_field' };
}

export interface AudioOutputConfig {
  format?: AudioFormat;
  voice?: string;
  speed?: number;
}

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: unknown;
}

export type OutputModality = 'audio' | 'text';

/** What a client may set with `session.update` (every field optional; omitted fields keep their value). */
export interface SessionConfig {
  type?: 'realtime';
  model?: string;
  instructions?: string;
  output_modalities?: OutputModality[];
  audio?: { input?: AudioInputConfig; output?: AudioOutputConfig };
  tools?: FunctionTool[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; name: string };
  max_output_tokens?: number | 'inf';
}

/** The session as the server reports it in `session.created` / `session.updated`. */
export interface SessionInfo extends SessionConfig {
  type: 'realtime';
  /** Sotto and OpenAI servers send one; a server that does not is read as one unnamed session. */
  id?: string;
  object?: 'realtime.session';
  /** Sotto extension: wire protocol version (see `PROTOCOL_VERSION`). Absent from a plain Realtime server. */
  'sotto:protocol_version'?: number;
  /**
   * Sotto extension: the optional extensions this server implements (see `SOTTO_EXTENSIONS`). A client
   * uses an extension only when it is listed here.
   */
  'sotto:extensions'?: string[];
}
