import { describe, expect, it } from 'vitest';
import { assessHealth, smoothRtt, type HealthInputs } from './health.ts';

const base: HealthInputs = {
  connection: 'connected',
  online: true,
  rttMs: 20,
  lastPongAt: 1000,
  heartbeatSupported: true,
  now: 1500,
};

describe('assessHealth', () => {
  it('is healthy when connected with fresh pongs and low RTT', () => {
    expect(assessHealth(base)).toEqual({ level: 'healthy', reason: 'ok', rttMs: 20, sinceLastPongMs: 500 });
  });

  it.each<[Partial<HealthInputs>, string, string]>([
    [{ connection: 'disconnected' }, 'down', 'disconnected'],
    [{ online: false }, 'down', 'browser offline'],
    [{ connection: 'reconnecting' }, 'down', 'reconnecting'],
    [{ connection: 'connecting' }, 'degraded', 'connecting'],
    [{ now: 1000 + 2500 }, 'degraded', 'heartbeat late by 2500 ms'],
    [{ now: 1000 + 4999 }, 'degraded', 'heartbeat late by 4999 ms'],
    [{ now: 1000 + 5000 }, 'down', 'no heartbeat for 5000 ms'],
    [{ rttMs: 401 }, 'degraded', 'rtt 401 ms'],
    [{ rttMs: 400 }, 'healthy', 'ok'],
  ])('%o -> %s', (change, level, reason) => {
    const h = assessHealth({ ...base, ...change });
    expect(h.level).toBe(level);
    expect(h.reason).toBe(reason);
  });

  it('ignores heartbeat silence when the peer does not do heartbeats', () => {
    expect(assessHealth({ ...base, heartbeatSupported: false, now: 60_000 }).level).toBe('healthy');
  });

  it('takes custom thresholds', () => {
    expect(assessHealth({ ...base, now: 1000 + 1000 }, { downSilenceMs: 800 }).level).toBe('down');
  });
});

describe('smoothRtt', () => {
  it('takes the first sample, then moves 1/8 of the way', () => {
    expect(smoothRtt(null, 80)).toBe(80);
    expect(smoothRtt(80, 160)).toBe(90);
  });
});
