/**
 * The LiveKit Agents `lk.agent.state` participant attribute (pure): what stock LiveKit clients (agents
 * playground, components-js voice assistant hooks, every LiveKit SDK) show, derived from the server events
 * a session sends.
 */
import type { OutgoingServerEvent } from '../../src/protocol/index.ts';

/** The participant attribute's name, as @livekit/agents sets it. */
export const ATTRIBUTE_AGENT_STATE = 'lk.agent.state';

/** LiveKit Agents' states (`disconnected` / `connecting` are the client's own). */
export type LkAgentState = 'initializing' | 'listening' | 'thinking' | 'speaking';

/**
 * The state after `event`: `thinking` from a response's creation until its audio starts, `speaking` while
 * it plays, `listening` otherwise (from the session's announcement on).
 */
export function nextAgentState(current: LkAgentState, event: OutgoingServerEvent): LkAgentState {
  switch (event.type) {
    case 'session.created':
      return current === 'initializing' ? 'listening' : current;
    case 'response.created':
      return 'thinking';
    case 'output_audio_buffer.started':
      return 'speaking';
    case 'output_audio_buffer.stopped':
    case 'output_audio_buffer.cleared':
    case 'response.done':
      return 'listening';
    default:
      return current;
  }
}
