import { describe, expect, it } from 'vitest';
import type { OutgoingServerEvent } from '../../src/protocol/index.ts';
import { nextAgentState, type LkAgentState } from './agent-state.ts';

const run = (events: OutgoingServerEvent[]): LkAgentState[] => {
  let s: LkAgentState = 'initializing';
  return events.map((e) => (s = nextAgentState(s, e)));
};
const resp = { id: 'r', status: 'in_progress' as const };

describe('lk.agent.state', () => {
  it('initializing -> listening -> thinking -> speaking -> listening over one turn', () => {
    expect(
      run([
        { type: 'session.created', session: { type: 'realtime', id: 's' } },
        { type: 'input_audio_buffer.speech_started', audio_start_ms: 0, item_id: 'i' },
        { type: 'input_audio_buffer.committed', item_id: 'i' },
        { type: 'response.created', response: resp },
        { type: 'output_audio_buffer.started', response_id: 'r' },
        {
          type: 'response.output_audio_transcript.delta',
          response_id: 'r',
          output_index: 0,
          item_id: 'a',
          content_index: 0,
          delta: 'hi',
        },
        { type: 'output_audio_buffer.stopped', response_id: 'r' },
        { type: 'response.done', response: { ...resp, status: 'completed' } },
      ]),
    ).toEqual(['listening', 'listening', 'listening', 'thinking', 'speaking', 'speaking', 'listening', 'listening']);
  });

  it('a cancelled reply (barge-in) goes back to listening; a re-announcement keeps the state', () => {
    expect(
      run([
        { type: 'session.created', session: { type: 'realtime', id: 's' } },
        { type: 'response.created', response: resp },
        { type: 'output_audio_buffer.started', response_id: 'r' },
        { type: 'session.created', session: { type: 'realtime', id: 's' } },
        { type: 'output_audio_buffer.cleared', response_id: 'r' },
        { type: 'response.created', response: resp },
        { type: 'response.done', response: { ...resp, status: 'failed' } },
      ]),
    ).toEqual(['listening', 'thinking', 'speaking', 'speaking', 'listening', 'thinking', 'listening']);
  });
});
