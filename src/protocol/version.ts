/** Data-channel topic that carries Realtime events (JSON, one event per message). */
export const REALTIME_TOPIC = 'sotto.realtime';

/**
 * Wire protocol version, announced by the server as `session.created.session["sotto:protocol_version"]`.
 * Bumped only for changes a peer of the previous version would misread; additions of optional fields,
 * events or extensions do not bump it (peers ignore what they do not know).
 *
 * - 1: the skeleton (commit, clear, response create/cancel).
 * - 2: the full OpenAI Realtime GA vocabulary, `sotto:extensions`, the speculative-turn extension.
 */
export const PROTOCOL_VERSION = 2;

/**
 * Participant attribute a Sotto agent sets as soon as it joins a room (value: `PROTOCOL_VERSION`), before it
 * announces its session: a client then knows to wait for `session.created` rather than take the agent for a
 * stock LiveKit Agents agent.
 */
export const AGENT_PROTOCOL_ATTRIBUTE = 'sotto.protocol_version';
