/**
 * Sotto extensions to the Realtime vocabulary. All optional and namespaced: event types start with
 * `sotto.`, fields with `sotto:`. A plain Realtime server neither sends nor needs any of them, and a
 * client sends extension events only to a server that lists the extension in
 * `session["sotto:extensions"]`.
 */

/**
 * Speculative turns (`sotto.turn`). The client's endpointer sends `sotto.turn.ending` when it expects the
 * user's turn to end soon (a pause has begun) and `sotto.turn.resumed` when the user kept talking. The
 * server may use the hint to warm up its reply (run ASR on the audio so far, prepare speech) but must
 * not answer, commit or play anything because of it: the turn still ends only with
 * `input_audio_buffer.commit` (+ `response.create`). So a server that ignores the hints behaves exactly
 * the same, only without the head start.
 */
export const EXT_SPECULATIVE_TURN = 'sotto.turn';

/** Server timings in `response["sotto:timings"]`, in milliseconds on the server's monotonic clock. */
export const EXT_TIMINGS = 'sotto:timings';

/**
 * Heartbeat (`sotto.heartbeat`): the client sends `sotto.ping {sotto:nonce}` about once a second and the
 * server answers `sotto.pong` with the same nonce at once, so the client measures the data channel's
 * round-trip time and notices a silent link. A server without it simply never answers; the client then
 * judges health by the connection state alone. The pong may also say how the server hears the user's mic
 * (`sotto:audio_age_ms`, `sotto:audio_run_ms`): a turn that began before the agent's audio from the mic
 * was flowing is then sent whole from the client's capture ring.
 */
export const EXT_HEARTBEAT = 'sotto.heartbeat';

/** Every extension the reference server implements. */
export const SOTTO_EXTENSIONS = [EXT_SPECULATIVE_TURN, EXT_TIMINGS, EXT_HEARTBEAT] as const;
export type SottoExtension = (typeof SOTTO_EXTENSIONS)[number];

/** Server-side timings of one response (`response["sotto:timings"]`), all in milliseconds. */
export interface SottoTimings {
  /**
   * From the commit of the user turn (the `input_audio_buffer.commit` event, or the server VAD's end of
   * speech) to the first reply audio frame handed to WebRTC. Absent when no audio was sent.
   */
  commit_to_first_audio_ms?: number;
  /** From `response.create` (or the automatic response) to the first audio frame handed to WebRTC. */
  response_to_first_audio_ms?: number;
  /** From the commit to the brain's first audio chunk (brain latency without the output path). */
  commit_to_first_chunk_ms?: number;
  /** Reply audio handed to WebRTC, in ms of audio. */
  audio_ms?: number;
}

/**
 * Client turn ends for LiveKit Agents agents (not a Realtime extension: a stock agent speaks LiveKit's
 * surface). An agent that takes its user's turn ends from Sotto's client sets the participant attribute
 * `sotto.turns` to the name of an RPC method it registers (`sotto.end_of_turn`); the client calls it each
 * time its endpointer ends the user's turn. `@sotto/agent/livekit-agents` (`acceptSottoTurns`) does both
 * for a Node `voice.AgentSession`.
 */
export const SOTTO_TURNS_ATTRIBUTE = 'sotto.turns';
export const SOTTO_END_OF_TURN_RPC = 'sotto.end_of_turn';
