import { describe, expect, it } from 'vitest';
import { encodeEvent, MAX_EVENT_BYTES } from './codec.ts';
import { parseClientEvent, parseServerEvent } from './validate.ts';

const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('parseClientEvent', () => {
  it('accepts the client events the server handles', () => {
    for (const e of [
      { type: 'input_audio_buffer.commit' },
      { type: 'input_audio_buffer.clear', event_id: 'e1' },
      { type: 'response.create' },
      { type: 'response.cancel', response_id: 'resp_1' },
    ]) {
      const r = parseClientEvent(bytes(e));
      expect(r).toEqual({ ok: true, event: e });
    }
  });

  it('round-trips through encodeEvent', () => {
    const r = parseClientEvent(encodeEvent({ type: 'response.cancel', event_id: 'x' }));
    expect(r).toEqual({ ok: true, event: { type: 'response.cancel', event_id: 'x' } });
  });

  it.each([
    ['not json', '{nope', 'invalid_json'],
    ['an array', [1, 2], 'invalid_event'],
    ['null', 'null', 'invalid_event'],
    ['no type', { foo: 1 }, 'invalid_event'],
    ['a numeric type', { type: 7 }, 'invalid_event'],
    ['an unknown type', { type: 'session.delete_everything' }, 'invalid_event'],
    ['a prototype key as type', { type: '__proto__' }, 'invalid_event'],
    ['a wrong field type', { type: 'response.cancel', response_id: 5 }, 'invalid_event'],
    [
      'a server event sent by a client',
      { type: 'response.done', response: { id: 'r', status: 'completed' } },
      'invalid_event',
    ],
  ])('rejects %s', (_, input, code) => {
    const r = parseClientEvent(bytes(input));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it('rejects oversized payloads before parsing them', () => {
    const big = bytes({ type: 'response.create', pad: 'x'.repeat(MAX_EVENT_BYTES) });
    const r = parseClientEvent(big);
    expect(r).toMatchObject({ ok: false, code: 'event_too_large' });
  });

  it('rejects invalid UTF-8', () => {
    const r = parseClientEvent(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(r).toMatchObject({ ok: false, code: 'invalid_json' });
  });
});

describe('parseServerEvent', () => {
  it('accepts well-formed server events', () => {
    const events = [
      { type: 'session.created', event_id: 'e', session: { id: 's', 'sotto:protocol_version': 1 } },
      { type: 'input_audio_buffer.committed', event_id: 'e', item_id: 'i' },
      { type: 'response.created', event_id: 'e', response: { id: 'r', status: 'in_progress' } },
      { type: 'response.done', event_id: 'e', response: { id: 'r', status: 'completed' } },
      { type: 'output_audio_buffer.started', event_id: 'e', response_id: 'r' },
      { type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'c', message: 'm' } },
    ];
    for (const e of events) expect(parseServerEvent(bytes(e))).toEqual({ ok: true, event: e });
  });

  it('rejects a response event without a response', () => {
    expect(parseServerEvent(bytes({ type: 'response.done', event_id: 'e' }))).toMatchObject({ ok: false });
    expect(parseServerEvent(bytes({ type: 'error', error: { code: 1 } }))).toMatchObject({ ok: false });
  });
});
