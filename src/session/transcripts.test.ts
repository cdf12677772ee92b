import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../protocol/index.ts';
import { TranscriptAssembler } from './transcripts.ts';

const ev = (e: Record<string, unknown>): ServerEvent => ({ event_id: 'e', ...e }) as unknown as ServerEvent;
const ref = { response_id: 'r1', item_id: 'a1', output_index: 0, content_index: 0 };

describe('TranscriptAssembler', () => {
  it('accumulates assistant deltas and finishes with the whole text', () => {
    const t = new TranscriptAssembler();
    expect(t.accept(ev({ type: 'response.output_audio_transcript.delta', ...ref, delta: 'You spoke ' }))).toEqual({
      role: 'assistant',
      itemId: 'a1',
      responseId: 'r1',
      text: 'You spoke ',
      delta: 'You spoke ',
      final: false,
    });
    expect(t.accept(ev({ type: 'response.output_audio_transcript.delta', ...ref, delta: 'for' }))?.text).toBe(
      'You spoke for',
    );
    const done = t.accept(
      ev({ type: 'response.output_audio_transcript.done', ...ref, transcript: 'You spoke for 2 s.' }),
    );
    expect(done).toMatchObject({ text: 'You spoke for 2 s.', delta: ' 2 s.', final: true });
  });

  it('user transcription: delta then completed; completed alone works too', () => {
    const t = new TranscriptAssembler();
    const u = { item_id: 'u1', content_index: 0 };
    t.accept(ev({ type: 'conversation.item.input_audio_transcription.delta', ...u, delta: 'hel' }));
    expect(
      t.accept(ev({ type: 'conversation.item.input_audio_transcription.completed', ...u, transcript: 'hello' })),
    ).toEqual({ role: 'user', itemId: 'u1', text: 'hello', delta: 'lo', final: true });
    expect(
      t.accept(
        ev({
          type: 'conversation.item.input_audio_transcription.completed',
          item_id: 'u2',
          content_index: 0,
          transcript: 'hi',
        }),
      ),
    ).toMatchObject({ text: 'hi', delta: 'hi', final: true });
  });

  it('text replies and unrelated events', () => {
    const t = new TranscriptAssembler();
    expect(t.accept(ev({ type: 'response.output_text.delta', ...ref, delta: 'ok' }))?.role).toBe('assistant');
    expect(t.accept(ev({ type: 'response.output_text.done', ...ref, text: 'ok!' }))?.delta).toBe('!');
    expect(t.accept(ev({ type: 'session.created', session: {} }))).toBeNull();
  });

  it('a final text that does not extend the partial replaces it whole', () => {
    const t = new TranscriptAssembler();
    t.accept(ev({ type: 'response.output_audio_transcript.delta', ...ref, delta: 'abc' }));
    expect(t.accept(ev({ type: 'response.output_audio_transcript.done', ...ref, transcript: 'xyz' }))?.delta).toBe(
      'xyz',
    );
  });
});
