/**
 * GA sample events (typed with the official `openai` SDK's types, so they are what a GA server may send)
 * through Sotto's client parser: every event type Sotto knows is read, every other one is an ignorable
 * `unknown_event`, and unknown members inside known events are left out instead of failing the event.
 */
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { describe, expect, it } from 'vitest';
import { parseServerEvent } from '../validate.ts';

const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
const ref = { event_id: 'ev', response_id: 'resp_1', output_index: 0 };
const cref = { ...ref, item_id: 'item_1', content_index: 0 };

/** GA events Sotto reads (as a GA server fills them: optional fields left out, nulls where GA allows). */
const KNOWN: RealtimeServerEvent[] = [
  { type: 'error', event_id: 'ev', error: { type: 'invalid_request_error', message: 'bad', code: null } },
  { type: 'error', event_id: 'ev', error: { type: 'server_error', message: 'oops' } },
  {
    type: 'session.created',
    event_id: 'ev',
    session: {
      type: 'realtime',
      model: 'gpt-realtime',
      output_modalities: ['audio'],
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'semantic_vad' } },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
      },
    },
  },
  {
    type: 'conversation.item.added',
    event_id: 'ev',
    previous_item_id: null,
    item: { id: 'item_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio' }] },
  },
  { type: 'conversation.item.input_audio_transcription.delta', event_id: 'ev', item_id: 'item_1', delta: 'hel' },
  {
    type: 'conversation.item.input_audio_transcription.completed',
    event_id: 'ev',
    item_id: 'item_1',
    content_index: 0,
    transcript: 'hello',
    usage: { type: 'duration', seconds: 1.2 },
  },
  { type: 'input_audio_buffer.speech_started', event_id: 'ev', item_id: 'item_1', audio_start_ms: 100 },
  { type: 'input_audio_buffer.speech_stopped', event_id: 'ev', item_id: 'item_1', audio_end_ms: 900 },
  { type: 'input_audio_buffer.committed', event_id: 'ev', item_id: 'item_1', previous_item_id: null },
  {
    type: 'response.created',
    event_id: 'ev',
    response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] },
  },
  {
    type: 'response.output_item.added',
    ...ref,
    item: { id: 'item_2', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
  },
  { type: 'response.content_part.added', ...cref, part: { type: 'audio', transcript: '' } },
  { type: 'response.content_part.added', ...cref, part: { type: 'text', text: '' } },
  { type: 'response.output_audio_transcript.delta', ...cref, delta: 'Hi' },
  { type: 'response.output_audio.done', ...cref },
  { type: 'response.output_audio_transcript.done', ...cref, transcript: 'Hi there' },
  { type: 'response.output_text.delta', ...cref, delta: 'Hi' },
  { type: 'response.content_part.done', ...cref, part: { type: 'audio', transcript: 'Hi there' } },
  { type: 'output_audio_buffer.started', event_id: 'ev', response_id: 'resp_1' },
  { type: 'output_audio_buffer.stopped', event_id: 'ev', response_id: 'resp_1' },
  { type: 'output_audio_buffer.cleared', event_id: 'ev', response_id: 'resp_1' },
  { type: 'conversation.item.truncated', event_id: 'ev', item_id: 'item_2', content_index: 0, audio_end_ms: 640 },
  {
    type: 'response.done',
    event_id: 'ev',
    response: {
      id: 'resp_1',
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
      output: [
        {
          id: 'item_2',
          type: 'message',
          role: 'assistant',
          status: 'incomplete',
          content: [{ type: 'output_audio', transcript: 'Hi' }],
        },
      ],
      usage: { total_tokens: 10, input_tokens: 4, output_tokens: 6 },
    },
  },
  {
    type: 'rate_limits.updated',
    event_id: 'ev',
    rate_limits: [{ name: 'tokens', limit: 1000, remaining: 900, reset_seconds: 1.5 }],
  },
];

/** GA events Sotto does not read: ignorable, never an error. */
const OTHERS: RealtimeServerEvent[] = [
  { type: 'input_audio_buffer.dtmf_event_received', event: '5', received_at: 1 },
  {
    type: 'conversation.item.input_audio_transcription.segment',
    event_id: 'ev',
    item_id: 'item_1',
    content_index: 0,
    id: 'seg_1',
    speaker: 'A',
    start: 0,
    end: 1,
    text: 'hi',
  },
  { type: 'mcp_list_tools.in_progress', event_id: 'ev', item_id: 'item_3' },
  { type: 'response.mcp_call.completed', event_id: 'ev', item_id: 'item_3', output_index: 0 },
  {
    type: 'conversation.item.added',
    event_id: 'ev',
    item: { id: 'item_3', type: 'mcp_call', name: 'lookup', server_label: 's', arguments: '{}' },
  },
  {
    type: 'response.output_item.done',
    ...ref,
    item: { id: 'item_3', type: 'mcp_list_tools', server_label: 's', tools: [] },
  },
];

describe('GA server events through the client parser', () => {
  it.each(KNOWN.map((e, i) => [`${String(i)} ${e.type}`, e] as const))('reads %s', (_name, e) => {
    const r = parseServerEvent(bytes(e));
    expect(r.ok ? 'ok' : r.message).toBe('ok');
  });

  it.each(OTHERS.map((e, i) => [`${String(i)} ${e.type}`, e] as const))('skips %s as unknown', (_name, e) => {
    const r = parseServerEvent(bytes(e));
    expect(r).toMatchObject({ ok: false, code: 'unknown_event' });
  });

  it('leaves an input_image part out of a user message and counts it', () => {
    const e: RealtimeServerEvent = {
      type: 'conversation.item.done',
      event_id: 'ev',
      item: {
        id: 'item_1',
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
          { type: 'input_text', text: 'what is this?' },
        ],
      },
    };
    const r = parseServerEvent(bytes(e));
    expect(r).toMatchObject({ ok: true, skipped: 1 });
    if (r.ok && r.event.type === 'conversation.item.done' && r.event.item.type === 'message')
      expect(r.event.item.content).toEqual([{ type: 'input_text', text: 'what is this?' }]);
  });

  it('leaves an mcp item out of response.output and keeps the message', () => {
    const e: RealtimeServerEvent = {
      type: 'response.done',
      event_id: 'ev',
      response: {
        id: 'resp_1',
        status: 'completed',
        output: [
          { id: 'item_3', type: 'mcp_call', name: 'lookup', server_label: 's', arguments: '{}' },
          { id: 'item_2', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
        ],
      },
    };
    const r = parseServerEvent(bytes(e));
    expect(r).toMatchObject({ ok: true, skipped: 1 });
    if (r.ok && r.event.type === 'response.done') expect(r.event.response.output?.map((i) => i.id)).toEqual(['item_2']);
  });

  it('skips a content part of an unknown type as a whole event', () => {
    const r = parseServerEvent(bytes({ type: 'response.content_part.added', ...cref, part: { type: 'image' } }));
    expect(r).toMatchObject({ ok: false, code: 'unknown_event' });
  });

  it('reads events larger than one data packet when they came over a text stream', () => {
    const e = { type: 'response.output_audio_transcript.done', ...cref, transcript: 'x'.repeat(100_000) };
    expect(parseServerEvent(bytes(e))).toMatchObject({ ok: false, code: 'event_too_large' });
    expect(parseServerEvent(bytes(e), { maxBytes: 4 * 1024 * 1024 })).toMatchObject({ ok: true });
  });
});
