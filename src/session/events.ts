import type { SottoError } from '../errors.ts';
import type { ResponseInfo, ServerEvent } from '../protocol/index.ts';

/**
 * Session states: `connecting` -> `connected` (in the room, mic published) -> `ready` (the agent said
 * `session.created`) -> `closed`. `ready` falls back to `connected` when the agent leaves.
 */
export type SessionState = 'connecting' | 'connected' | 'ready' | 'closed';

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
