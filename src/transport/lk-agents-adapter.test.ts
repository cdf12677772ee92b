import { describe, expect, it } from 'vitest';
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import { LkAgentsAdapter } from './lk-agents-adapter.ts';

const types = (es: ServerEvent[]): string[] => es.map((e) => e.type);

describe('LkAgentsAdapter', () => {
  it('announces a session and follows lk.agent.state through a reply', () => {
    const a = new LkAgentsAdapter('agent-1');
    const created = a.announce();
    expect(created).toMatchObject({ type: 'session.created', session: { type: 'realtime', id: 'lk_agent-1' } });
    expect(a.stateChanged('listening')).toEqual([]);
    expect(types(a.stateChanged('thinking'))).toEqual(['response.created']);
    expect(types(a.stateChanged('speaking'))).toEqual(['output_audio_buffer.started']);
    expect(types(a.agentDelta('seg1', 'Hello'))).toEqual(['response.output_audio_transcript.delta']);
    expect(a.agentDone('seg1', 'Hello there')).toMatchObject([{ transcript: 'Hello there', item_id: 'seg1' }]);
    const end = a.stateChanged('listening');
    expect(types(end)).toEqual(['output_audio_buffer.stopped', 'response.done']);
    expect(end[1]).toMatchObject({ response: { status: 'completed' } });
  });

  it('speaking without thinking still makes a response; captions before it too; leaving cancels', () => {
    const a = new LkAgentsAdapter('agent-1');
    expect(types(a.stateChanged('speaking'))).toEqual(['response.created', 'output_audio_buffer.started']);
    expect(types(a.left())).toEqual(['output_audio_buffer.stopped', 'response.done']);
    const c = new LkAgentsAdapter('agent-3');
    c.stateChanged('speaking');
    const next = c.stateChanged('thinking');
    expect(types(next)).toEqual(['output_audio_buffer.stopped', 'response.done', 'response.created']);
    expect(next[1]).toMatchObject({ response: { status: 'cancelled' } });
    const b = new LkAgentsAdapter('agent-2');
    expect(types(b.agentDelta('s', 'Hi'))).toEqual(['response.created', 'response.output_audio_transcript.delta']);
  });

  it('user transcripts: interim whole texts become deltas, the final one completes', () => {
    const a = new LkAgentsAdapter('agent-1');
    expect(a.userText('u1', 'hello', false)).toMatchObject([{ delta: 'hello' }]);
    expect(a.userText('u1', 'hello there', false)).toMatchObject([{ delta: ' there' }]);
    const fin = a.userText('u1', 'hello there', true);
    expect(types(fin)).toEqual(['conversation.item.input_audio_transcription.completed']);
    expect(fin[0]).toMatchObject({ item_id: 'u1', transcript: 'hello there' });
  });

  it('typed text goes out on response.create after a user message; a handed-over history does not', () => {
    const a = new LkAgentsAdapter('agent-1');
    const msg = (text: string): ClientEvent => ({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    expect(a.translate(msg('good morning'))).toEqual({});
    expect(a.translate({ type: 'response.create' })).toEqual({ chat: 'good morning' });
    expect(a.translate(msg('old line'))).toEqual({});
    expect(a.translate({ type: 'input_audio_buffer.clear' })).toEqual({});
    expect(a.translate({ type: 'response.create' })).toEqual({});
    expect(types(a.translate({ type: 'input_audio_buffer.commit' }).local ?? [])).toEqual([
      'input_audio_buffer.committed',
    ]);
    expect(a.translate({ type: 'response.cancel' })).toEqual({});
  });

  it('a commit ends the turn on an agent that opted in (sotto.turns), and only there', () => {
    const a = new LkAgentsAdapter('agent-1');
    expect(a.translate({ type: 'input_audio_buffer.commit' }).endOfTurn).toBeUndefined();
    a.endOfTurnMethod = 'sotto.end_of_turn';
    const t = a.translate({ type: 'input_audio_buffer.commit' });
    expect(t.endOfTurn).toBe('sotto.end_of_turn');
    expect(types(t.local ?? [])).toEqual(['input_audio_buffer.committed']);
    expect(a.translate({ type: 'response.create' }).endOfTurn).toBeUndefined();
  });
});
