import { describe, expect, it } from 'vitest';
import { EventLink } from './event-link.ts';

const created = (extensions: string[] | null): string =>
  JSON.stringify({
    type: 'session.created',
    event_id: 'e1',
    session: { type: 'realtime', id: 'sess_1', ...(extensions ? { 'sotto:extensions': extensions } : {}) },
  });

describe('EventLink', () => {
  it('parses server events, ignores unknown types, reports bad ones and binary frames', () => {
    const link = new EventLink();
    link.up(0);
    expect(link.receive(created(null), 1)).toMatchObject({ kind: 'event', event: { type: 'session.created' } });
    expect(link.receive(JSON.stringify({ type: 'conversation.future_thing', event_id: 'x' }), 2)).toEqual({
      kind: 'none',
    });
    const bad = link.receive(JSON.stringify({ type: 'response.done', event_id: 'x' }), 3);
    expect(bad.kind === 'error' && bad.error.code).toBe('protocol_error');
    const json = link.receive('{not json', 4);
    expect(json.kind === 'error' && json.error.message).toMatch(/invalid_json/);
    const binary = link.receive(new ArrayBuffer(4), 5);
    expect(binary.kind === 'error' && binary.error.message).toMatch(/binary frame/);
  });

  it('takes GA events from OpenAI as they are (error.code null)', () => {
    const link = new EventLink();
    const e = link.receive(
      JSON.stringify({
        type: 'error',
        event_id: 'e',
        error: { type: 'invalid_request_error', code: null, message: 'x', param: null, event_id: null },
      }),
      0,
    );
    expect(e.kind).toBe('event');
  });

  it('pings once a second only for a server with the heartbeat, and keeps pongs inside', () => {
    const link = new EventLink();
    link.up(0);
    link.receive(created(null), 0);
    expect(link.ping(2000)).toBeNull(); // a plain Realtime server: no heartbeat
    link.receive(created(['sotto.heartbeat']), 0);
    expect(link.heartbeatSupported).toBe(true);
    const ping = link.ping(1000);
    expect(ping).toEqual({ type: 'sotto.ping', 'sotto:nonce': 1 });
    expect(link.ping(1500)).toBeNull(); // not due yet
    const pong = JSON.stringify({ type: 'sotto.pong', event_id: 'p', 'sotto:nonce': 1 });
    expect(link.receive(pong, 1040)).toEqual({ kind: 'none' });
    expect(link.health('connected', true, 1100)).toMatchObject({ level: 'healthy', rttMs: 40 });
    // No pong for 5 s: down; 2.5 s: degraded.
    expect(link.health('connected', true, 1040 + 2600).level).toBe('degraded');
    expect(link.health('connected', true, 1040 + 5100).level).toBe('down');
  });

  it('judges a link without heartbeat by its state, and a loopback-only browser by its pongs', () => {
    const link = new EventLink();
    link.up(0);
    expect(link.health('connected', true, 60_000).level).toBe('healthy');
    expect(link.health('reconnecting', true, 0).level).toBe('down');
    expect(link.health('connected', false, 100)).toMatchObject({ level: 'down', reason: 'browser offline' });
    link.receive(created(['sotto.heartbeat']), 100);
    expect(link.ping(1200)).toEqual({ type: 'sotto.ping', 'sotto:nonce': 1 });
    link.receive(JSON.stringify({ type: 'sotto.pong', event_id: 'p', 'sotto:nonce': 1 }), 1210);
    expect(link.health('connected', false, 1300).level).toBe('healthy');
  });
});
