import type { SottoError } from '../errors.ts';
import type { ResponseInfo, ServerEvent } from '../protocol/index.ts';
import type { SpeechStartEvent, TurnEndEvent, TurnEndingEvent } from '../vad/events.ts';

/**
 * Session states: `connecting` -> `connected` (link up, mic published) -> `ready` (the agent said
 * `session.created`) -> `closed`. A lost link goes `reconnecting`, then back to `connected` and `ready`.
 */
export type SessionState = 'connecting' | 'connected' | 'ready' | 'reconnecting' | 'closed';

/** Event name -> payload of {@link VoiceSession}. */
export interface VoiceSessionEvents {
  state: SessionState;
  /** Every valid server event, as received. */
  server_event: ServerEvent;
  /** The user started speaking (client endpointing): onset time and pre-roll range on the audio clock. */
  speech_start: SpeechStartEvent;
  /** A pause began that may end the turn (speculative). */
  turn_ending: TurnEndingEvent;
  /** The endpointer decided the user's turn is over; the session commits it. */
  turn_end: TurnEndEvent;
  response_created: ResponseInfo;
  response_done: ResponseInfo;
  /** Recoverable problems (bad server events, server errors, disconnects). Never thrown. */
  error: SottoError;
}
