import { describe, expect, it } from 'vitest';
import { parseServerEvent } from '../src/protocol/index.ts';
import { agentUnavailableEvent } from './unserved-notice.ts';

describe('agentUnavailableEvent', () => {
  it('is a valid Realtime error event with the agent_unavailable code', () => {
    const r = parseServerEvent(agentUnavailableEvent());
    expect(r.ok).toBe(true);
    if (!r.ok || r.event.type !== 'error') throw new Error('not an error event');
    expect(r.event.error.code).toBe('agent_unavailable');
    expect(r.event.error.type).toBe('server_error');
  });
});
