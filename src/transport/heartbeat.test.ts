import { describe, expect, it } from 'vitest';
import { connectionOf, Heartbeat, HEARTBEAT_MS } from './heartbeat.ts';

describe('Heartbeat', () => {
  it('sends nothing until the agent says it answers pings, then one ping a second', () => {
    const h = new Heartbeat();
    expect(h.due(5_000)).toBeNull();
    h.announced(true, 5_000);
    const n1 = h.due(5_000);
    expect(n1).not.toBeNull();
    expect(h.due(5_000 + HEARTBEAT_MS - 1)).toBeNull();
    expect(h.due(5_000 + HEARTBEAT_MS)).not.toBeNull();
  });

  it('smooths the round trip from pongs and ignores pongs of pings it did not send', () => {
    const h = new Heartbeat();
    h.announced(true, 0);
    const n = h.due(1_000) ?? -1;
    expect(h.pong(n + 100, 1_050)).toBe(false);
    expect(h.pong(n, 1_080)).toBe(true);
    expect(h.pong(n, 1_090)).toBe(false); // answered once
    const snap = h.assess('connected', true, 0, 1_100);
    expect(snap.rttMs).toBe(80);
    expect(snap.sinceLastPongMs).toBe(20);
    const n2 = h.due(2_100) ?? -1;
    h.pong(n2, 2_260); // 160 ms: smoothed by 1/8
    expect(h.assess('connected', true, 0, 2_300).rttMs).toBe(90);
  });

  it('forgets a ping that could not be sent and stops when the agent goes away', () => {
    const h = new Heartbeat();
    h.announced(true, 0);
    const n = h.due(1_000) ?? -1;
    h.failed(n);
    expect(h.pong(n, 1_010)).toBe(false);
    expect(h.due(1_001)).not.toBeNull(); // the failed one does not hold back the next
    h.stop();
    expect(h.due(10_000)).toBeNull();
  });

  it('reads the link as down while reconnecting or offline, unless a pong proves the browser wrong', () => {
    const h = new Heartbeat();
    h.announced(true, 0);
    expect(h.assess('reconnecting', true, 0, 100).level).toBe('down');
    expect(h.assess('connected', false, 0, 200)).toMatchObject({ level: 'down', reason: 'browser offline' });
    // A pong after the browser said offline: a loopback-only machine, the link works.
    const n = h.due(1_000) ?? -1;
    h.pong(n, 1_010);
    expect(h.assess('connected', false, 0, 1_020).level).not.toBe('down');
  });

  it('nonces never repeat across pings and hellos', () => {
    const h = new Heartbeat();
    h.announced(true, 0);
    const seen = new Set<number>();
    for (let t = 0; t < 20; t++) {
      seen.add(h.nextNonce());
      const n = h.due((t + 1) * HEARTBEAT_MS);
      if (n !== null) seen.add(n);
    }
    expect(seen.size).toBe(40);
  });

  it('maps transport statuses onto the health model: idle and closed are disconnected', () => {
    expect(['idle', 'connecting', 'connected', 'reconnecting', 'closed'].map((s) => connectionOf(s as never))).toEqual([
      'disconnected',
      'connecting',
      'connected',
      'reconnecting',
      'disconnected',
    ]);
  });
});
