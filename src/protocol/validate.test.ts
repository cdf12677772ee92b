import { describe, expect, it } from 'vitest';
import type { ClientEvent, ClientEventType } from './client-events.ts';
import { encodeEvent, MAX_EVENT_BYTES } from './codec.ts';
import { CLIENT_EVENT_SCHEMAS, SERVER_EVENT_SCHEMAS } from './schemas.ts';
import type { ServerEvent, ServerEventType } from './server-events.ts';
import type { ServerItem } from './items.ts';
import { parseClientEvent, parseServerEvent } from './validate.ts';

const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

/** One valid sample of every client event (typed, so the samples also check the TypeScript shapes). */
const CLIENT_SAMPLES: ClientEvent[] = [
  {
    type: 'session.update',
    event_id: 'e1',
    session: {
      type: 'realtime',
      instructions: 'be brief',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 },
          noise_reduction: { type: 'near_field' },
        },
        output: { voice: 'slt', speed: 1 },
      },
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
    },
  },
  { type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } },
  { type: 'input_audio_buffer.append', audio: 'AAAA' },
  { type: 'input_audio_buffer.commit' },
  { type: 'input_audio_buffer.clear', event_id: 'e1' },
  {
    type: 'conversation.item.create',
    previous_item_id: 'root',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
  },
  { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'c1', output: '{}' } },
  { type: 'conversation.item.retrieve', item_id: 'item_1' },
  { type: 'conversation.item.delete', item_id: 'item_1' },
  { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 0, audio_end_ms: 1500 },
  { type: 'response.create' },
  { type: 'response.create', response: { conversation: 'none', metadata: { k: 'v' }, output_modalities: ['text'] } },
  { type: 'response.cancel', response_id: 'resp_1' },
  { type: 'output_audio_buffer.clear' },
  { type: 'sotto.turn.ending', 'sotto:silence_ms': 120 },
  { type: 'sotto.turn.resumed' },
  { type: 'sotto.ping', 'sotto:nonce': 7 },
];

const C = 'conversation.item.';
const ref = { response_id: 'r', output_index: 0 };
const cref = { ...ref, item_id: 'i', content_index: 0 };
const msg: ServerItem = { id: 'i', type: 'message', role: 'assistant', status: 'completed', content: [] };
const SERVER_SAMPLES: ServerEvent[] = [
  { type: 'sotto.pong', event_id: 'e', 'sotto:nonce': 7 },
  { type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'c', message: 'm', event_id: null } },
  { type: 'session.created', event_id: 'e', session: { type: 'realtime', id: 's', 'sotto:protocol_version': 2 } },
  {
    type: 'session.updated',
    event_id: 'e',
    session: { type: 'realtime', id: 's', audio: { input: { turn_detection: null } } },
  },
  { type: `${C}added`, event_id: 'e', previous_item_id: null, item: msg },
  { type: `${C}done`, event_id: 'e', item: msg },
  { type: `${C}retrieved`, event_id: 'e', item: msg },
  { type: `${C}truncated`, event_id: 'e', item_id: 'i', content_index: 0, audio_end_ms: 10 },
  { type: `${C}deleted`, event_id: 'e', item_id: 'i' },
  { type: `${C}input_audio_transcription.delta`, event_id: 'e', item_id: 'i', content_index: 0, delta: 'he' },
  {
    type: `${C}input_audio_transcription.completed`,
    event_id: 'e',
    item_id: 'i',
    content_index: 0,
    transcript: 'h',
    usage: { type: 'duration', seconds: 1 },
  },
  {
    type: `${C}input_audio_transcription.failed`,
    event_id: 'e',
    item_id: 'i',
    content_index: 0,
    error: { message: 'x' },
  },
  { type: 'input_audio_buffer.committed', event_id: 'e', item_id: 'i', 'sotto:audio_ms': 120 },
  { type: 'input_audio_buffer.cleared', event_id: 'e' },
  { type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 100, item_id: 'i' },
  { type: 'input_audio_buffer.speech_stopped', event_id: 'e', audio_end_ms: 900, item_id: 'i' },
  { type: 'input_audio_buffer.timeout_triggered', event_id: 'e', audio_start_ms: 1, audio_end_ms: 2, item_id: 'i' },
  { type: 'output_audio_buffer.started', event_id: 'e', response_id: 'r' },
  { type: 'output_audio_buffer.stopped', event_id: 'e', response_id: 'r' },
  { type: 'output_audio_buffer.cleared', event_id: 'e', response_id: 'r' },
  { type: 'response.created', event_id: 'e', response: { id: 'r', status: 'in_progress', output: [] } },
  {
    type: 'response.done',
    event_id: 'e',
    response: {
      id: 'r',
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'client_cancelled' },
      output: [msg],
      'sotto:timings': { commit_to_first_audio_ms: 3.5, audio_ms: 1200 },
    },
  },
  { type: 'response.output_item.added', event_id: 'e', ...ref, item: msg },
  { type: 'response.output_item.done', event_id: 'e', ...ref, item: msg },
  { type: 'response.content_part.added', event_id: 'e', ...cref, part: { type: 'audio', transcript: '' } },
  { type: 'response.content_part.done', event_id: 'e', ...cref, part: { type: 'audio', transcript: 'hi' } },
  { type: 'response.output_audio.delta', event_id: 'e', ...cref, delta: 'AAAA' },
  { type: 'response.output_audio.done', event_id: 'e', ...cref },
  { type: 'response.output_audio_transcript.delta', event_id: 'e', ...cref, delta: 'h' },
  { type: 'response.output_audio_transcript.done', event_id: 'e', ...cref, transcript: 'hi' },
  { type: 'response.output_text.delta', event_id: 'e', ...cref, delta: 'h' },
  { type: 'response.output_text.done', event_id: 'e', ...cref, text: 'hi' },
  { type: 'response.function_call_arguments.delta', event_id: 'e', ...ref, item_id: 'i', call_id: 'c', delta: '{' },
  {
    type: 'response.function_call_arguments.done',
    event_id: 'e',
    ...ref,
    item_id: 'i',
    call_id: 'c',
    name: 'f',
    arguments: '{}',
  },
  {
    type: 'rate_limits.updated',
    event_id: 'e',
    rate_limits: [{ name: 'requests', limit: 1, remaining: 1, reset_seconds: 1 }],
  },
];

describe('parseClientEvent', () => {
  it('accepts a valid sample of every client event', () => {
    for (const e of CLIENT_SAMPLES) expect(parseClientEvent(bytes(e)), e.type).toEqual({ ok: true, event: e });
  });

  it('has a sample for every client event type', () => {
    const covered = new Set(CLIENT_SAMPLES.map((e) => e.type));
    expect([...covered].sort()).toEqual((Object.keys(CLIENT_EVENT_SCHEMAS) as ClientEventType[]).sort());
  });

  it('round-trips through encodeEvent', () => {
    const r = parseClientEvent(encodeEvent({ type: 'response.cancel', event_id: 'x' }));
    expect(r).toEqual({ ok: true, event: { type: 'response.cancel', event_id: 'x' } });
  });

  it('ignores fields it does not know (forward compatible)', () => {
    const r = parseClientEvent(bytes({ type: 'response.create', 'sotto:future': 1 }));
    expect(r.ok).toBe(true);
  });

  it.each([
    ['not json', '{nope', 'invalid_json'],
    ['an array', [1, 2], 'invalid_event'],
    ['null', 'null', 'invalid_event'],
    ['a string', '"x"', 'invalid_event'],
    ['no type', { foo: 1 }, 'invalid_event'],
    ['a numeric type', { type: 7 }, 'invalid_event'],
    ['an empty type', { type: '' }, 'invalid_event'],
    ['a huge type', { type: 'x'.repeat(65) }, 'invalid_event'],
    ['an unknown type', { type: 'session.delete_everything' }, 'unknown_event'],
    ['a prototype key as type', { type: '__proto__' }, 'unknown_event'],
    ['toString as type', { type: 'toString' }, 'unknown_event'],
    ['a wrong field type', { type: 'response.cancel', response_id: 5 }, 'invalid_event'],
    ['an empty id', { type: 'conversation.item.delete', item_id: '' }, 'invalid_event'],
    ['an overlong id', { type: 'conversation.item.delete', item_id: 'x'.repeat(129) }, 'invalid_event'],
    ['a missing field', { type: 'conversation.item.truncate', item_id: 'i', content_index: 0 }, 'invalid_event'],
    [
      'negative audio_end_ms',
      { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: -1 },
      'invalid_event',
    ],
    [
      'fractional content_index',
      { type: 'conversation.item.truncate', item_id: 'i', content_index: 0.5, audio_end_ms: 1 },
      'invalid_event',
    ],
    [
      'NaN-ish threshold',
      {
        type: 'session.update',
        session: { audio: { input: { turn_detection: { type: 'server_vad', threshold: 'NaN' } } } },
      },
      'invalid_event',
    ],
    [
      'threshold above 1',
      {
        type: 'session.update',
        session: { audio: { input: { turn_detection: { type: 'server_vad', threshold: 2 } } } },
      },
      'invalid_event',
    ],
    [
      'an unknown turn detection',
      { type: 'session.update', session: { audio: { input: { turn_detection: { type: 'magic' } } } } },
      'invalid_event',
    ],
    ['a session that is an array', { type: 'session.update', session: [] }, 'invalid_event'],
    [
      'an item with a bad role',
      { type: 'conversation.item.create', item: { type: 'message', role: 'root', content: [] } },
      'invalid_event',
    ],
    [
      'an item with a bad part',
      { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text' }] } },
      'invalid_event',
    ],
    [
      'metadata with too many keys',
      {
        type: 'response.create',
        response: { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
      },
      'invalid_event',
    ],
    [
      'a server event sent by a client',
      { type: 'response.done', response: { id: 'r', status: 'completed' } },
      'unknown_event',
    ],
  ])('rejects %s', (_, input, code) => {
    const r = parseClientEvent(bytes(input));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it('names the bad field and keeps the event_id in the rejection', () => {
    const r = parseClientEvent(
      bytes({ type: 'conversation.item.truncate', event_id: 'ev9', item_id: 'i', content_index: 0, audio_end_ms: 'x' }),
    );
    expect(r).toMatchObject({ ok: false, code: 'invalid_event', eventId: 'ev9', param: 'audio_end_ms' });
    if (!r.ok) expect(r.message).toContain('audio_end_ms');
    const nested = parseClientEvent(
      bytes({
        type: 'session.update',
        session: { audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'x' } } } },
      }),
    );
    expect(nested).toMatchObject({ param: 'session.audio.input.turn_detection.eagerness' });
    expect(parseClientEvent(bytes({ type: 'input_audio_buffer.append' }))).toMatchObject({ param: 'audio' });
  });

  it('rejects oversized payloads before parsing them', () => {
    const big = bytes({ type: 'response.create', pad: 'x'.repeat(MAX_EVENT_BYTES) });
    expect(parseClientEvent(big)).toMatchObject({ ok: false, code: 'event_too_large' });
  });

  it('rejects invalid UTF-8', () => {
    expect(parseClientEvent(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({
      ok: false,
      code: 'invalid_json',
    });
  });

  it('survives deep nesting within the size limit', () => {
    const deep = `{"type":"session.update","session":${'['.repeat(7000)}${']'.repeat(7000)}}`;
    expect(parseClientEvent(bytes(deep))).toMatchObject({ ok: false, code: 'invalid_event' });
  });

  it('never throws on seeded random garbage', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pieces = ['{', '}', '[', ']', '"type"', ':', ',', '"response.create"', '1', 'null', '"x"', '"session"'];
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(rand() * 30);
      let s = '';
      for (let j = 0; j < n; j++) s += pieces[Math.floor(rand() * pieces.length)] ?? '';
      const r = parseClientEvent(bytes(s));
      expect(typeof r.ok).toBe('boolean');
    }
  });
});

describe('parseServerEvent', () => {
  it('accepts a valid sample of every server event', () => {
    for (const e of SERVER_SAMPLES) expect(parseServerEvent(bytes(e)), e.type).toEqual({ ok: true, event: e });
  });

  it('has a sample for every server event type', () => {
    const covered = new Set(SERVER_SAMPLES.map((e) => e.type));
    expect([...covered].sort()).toEqual((Object.keys(SERVER_EVENT_SCHEMAS) as ServerEventType[]).sort());
  });

  it('rejects a response event without a response', () => {
    expect(parseServerEvent(bytes({ type: 'response.done', event_id: 'e' }))).toMatchObject({ ok: false });
    expect(parseServerEvent(bytes({ type: 'error', error: { code: 1 } }))).toMatchObject({ ok: false });
  });

  it('reports a type it does not know as unknown_event, so a client can ignore it', () => {
    expect(parseServerEvent(bytes({ type: 'response.output_video.delta', event_id: 'e' }))).toMatchObject({
      ok: false,
      code: 'unknown_event',
    });
  });
});
