import type { SottoError } from '../errors.ts';
import type { ResponseInfo, ServerEvent } from '../protocol/index.ts';

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
  response_created: ResponseInfo;
  response_done: ResponseInfo;
  /** Recoverable problems (bad server events, server errors, disconnects). Never thrown. */
  error: SottoError;
}
