/**
 * The conversation state a UI shows, derived (pure) from what the session knows. One function, so the
 * precedence between "the user is talking", "the link is down" and "we are offline" is written once.
 */

/**
 * What the conversation is doing:
 * - `connecting`: before the agent said `session.created` for the first time;
 * - `idle`: connected, but not listening (`stop()` was called, or the mic is muted);
 * - `listening`: waiting for the user to speak (remote agent);
 * - `user-speaking`: the endpointer heard speech (or push-to-talk is held);
 * - `thinking`: the user's turn ended; no reply audio yet;
 * - `agent-speaking`: the reply is audible;
 * - `reconnecting`: the link to the remote agent is being restored (and nothing else is going on);
 * - `offline`: listening with the on-device engine (mode `local`) and nothing else going on;
 * - `closed`: `close()` was called or the link was given up for good.
 */
export type ConversationState =
  | 'connecting'
  | 'idle'
  | 'listening'
  | 'user-speaking'
  | 'thinking'
  | 'agent-speaking'
  | 'reconnecting'
  | 'offline'
  | 'closed';

/** Everything the state depends on. */
export interface StateInputs {
  /** The link to whichever agent is active. */
  link: 'connecting' | 'ready' | 'reconnecting' | 'closed';
  /** Which agent answers: the remote one or the on-device engine. */
  mode: 'remote' | 'local';
  /** Started and not muted. */
  listening: boolean;
  /** Between `speech_start` (or push-to-talk down) and the end of the turn. */
  userSpeaking: boolean;
  /** A turn was committed and its reply is not audible yet. */
  awaitingReply: boolean;
  /** Reply audio is playing. */
  agentSpeaking: boolean;
}

/**
 * Precedence: closed > connecting > agent-speaking > user-speaking > thinking > idle > the resting state
 * (`reconnecting` on a remote link being restored, `offline` in local mode, else `listening`).
 * The agent speaking wins over the user speaking: while both are true, barge-in is deciding.
 */
export function conversationState(i: StateInputs): ConversationState {
  if (i.link === 'closed') return 'closed';
  if (i.link === 'connecting') return 'connecting';
  if (i.agentSpeaking) return 'agent-speaking';
  if (i.userSpeaking && i.listening) return 'user-speaking';
  if (i.awaitingReply) return 'thinking';
  if (!i.listening) return 'idle';
  if (i.mode === 'local') return 'offline';
  if (i.link === 'reconnecting') return 'reconnecting';
  return 'listening';
}
