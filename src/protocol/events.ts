/**
 * Realtime wire events: the OpenAI Realtime GA names and shapes that Sotto speaks on the LiveKit data
 * channel, plus optional `sotto.`/`sotto:` extensions. This module gathers the type definitions.
 */
export * from './client-events.ts';
export * from './server-events.ts';
export * from './items.ts';
export * from './session.ts';
export * from './errors.ts';
export * from './extensions.ts';
export { AGENT_PROTOCOL_ATTRIBUTE, PROTOCOL_VERSION, REALTIME_TOPIC } from './version.ts';
