import { describe, expect, it } from 'vitest';
import { FallbackPolicy, type LinkObservation } from './fallback-policy.ts';

const up: Omit<LinkObservation, 'now'> = {
  status: 'connected',
  health: 'healthy',
  online: true,
  agentReady: true,
  busy: false,
};
const at = (now: number, o: Partial<LinkObservation> = {}): LinkObservation => ({ ...up, now, ...o });

describe('FallbackPolicy', () => {
  it('off and force never switch', () => {
    const off = new FallbackPolicy('off');
    const force = new FallbackPolicy('force');
    expect(force.mode).toBe('local');
    for (const p of [off, force]) {
      expect(p.observe(at(0, { status: 'closed', online: false }))).toBeNull();
      expect(p.turnEnded(at(1, { status: 'reconnecting' }))).toBeNull();
      expect(p.observe(at(10_000))).toBeNull();
    }
    expect(off.mode).toBe('remote');
  });

  it('auto: a short reconnect is ridden out; failoverMs of it goes local', () => {
    const p = new FallbackPolicy('auto', { failoverMs: 1500 });
    expect(p.observe(at(0))).toBeNull();
    expect(p.observe(at(100, { status: 'reconnecting' }))).toBeNull();
    expect(p.observe(at(1000, { status: 'reconnecting' }))).toBeNull();
    expect(p.observe(at(1200))).toBeNull(); // resumed
    expect(p.observe(at(2000, { status: 'reconnecting' }))).toBeNull();
    expect(p.observe(at(3499, { status: 'reconnecting' }))).toBeNull();
    expect(p.observe(at(3500, { status: 'reconnecting' }))).toEqual({
      mode: 'local',
      reason: 'the link is reconnecting for 1500 ms',
    });
    expect(p.mode).toBe('local');
  });

  it('auto: offline, closed and a dead heartbeat go local at once', () => {
    for (const o of [{ online: false }, { status: 'closed' as const }, { health: 'down' as const }]) {
      const p = new FallbackPolicy('auto');
      expect(p.observe(at(5, o))?.mode).toBe('local');
    }
  });

  it('auto: a turn that ends while the link is not up is answered locally at once', () => {
    const p = new FallbackPolicy('auto', { failoverMs: 10_000 });
    expect(p.observe(at(0, { status: 'reconnecting' }))).toBeNull();
    expect(p.turnEnded(at(50, { status: 'reconnecting' }))).toEqual({
      mode: 'local',
      reason: 'a turn ended while the link is reconnecting',
    });
    const q = new FallbackPolicy('auto');
    expect(q.turnEnded(at(0, { agentReady: false }))?.reason).toBe('a turn ended while the link is not ready');
    const r = new FallbackPolicy('auto');
    expect(r.turnEnded(at(0))).toBeNull();
  });

  it('auto: a connected link whose agent has not joined yet is waited for (a turn ending then goes local)', () => {
    const p = new FallbackPolicy('auto', { failoverMs: 1000 });
    expect(p.observe(at(0, { agentReady: false }))).toBeNull();
    expect(p.observe(at(5000, { agentReady: false }))).toBeNull();
    expect(p.turnEnded(at(5100, { agentReady: false }))?.mode).toBe('local');
  });

  it('auto: never goes back to remote as a turn ends', () => {
    const p = new FallbackPolicy('auto', { recoverMs: 100 });
    p.observe(at(0, { status: 'closed' }));
    p.observe(at(10));
    expect(p.turnEnded(at(5000))).toBeNull();
    expect(p.observe(at(5001))?.mode).toBe('remote');
  });

  it('auto: back to remote after recoverMs of a healthy, ready link, never mid-exchange', () => {
    const p = new FallbackPolicy('auto', { recoverMs: 3000 });
    p.observe(at(0, { status: 'closed' }));
    expect(p.mode).toBe('local');
    expect(p.observe(at(1000, { status: 'connected', agentReady: false }))).toBeNull();
    expect(p.observe(at(2000))).toBeNull(); // ready from here
    expect(p.observe(at(4000, { health: 'degraded' }))).toBeNull(); // not healthy: starts again
    expect(p.observe(at(4500))).toBeNull();
    expect(p.observe(at(7499))).toBeNull();
    expect(p.observe(at(7600, { busy: true }))).toBeNull(); // a local reply is playing
    expect(p.observe(at(9000))).toEqual({ mode: 'remote', reason: 'link healthy for 4500 ms' });
  });

  it('the app can hold the session on the device, then let the link decide again', () => {
    const p = new FallbackPolicy('auto', { recoverMs: 1000 });
    expect(p.setForced(true)).toEqual({ mode: 'local', reason: 'forced by the app' });
    expect(p.observe(at(0))).toBeNull();
    expect(p.observe(at(5000))).toBeNull(); // healthy, but held
    expect(p.setForced(false)).toBeNull();
    expect(p.observe(at(6000))).toBeNull();
    expect(p.observe(at(7000))?.mode).toBe('remote');
    const force = new FallbackPolicy('force', { recoverMs: 0 });
    force.setForced(false);
    expect(force.observe(at(0))?.mode).toBe('remote');
    expect(new FallbackPolicy('off').setForced(true)).toBeNull();
  });

  it('rejects nonsense thresholds', () => {
    expect(() => new FallbackPolicy('auto', { failoverMs: -1 })).toThrow(RangeError);
    expect(() => new FallbackPolicy('auto', { recoverMs: Number.NaN })).toThrow(RangeError);
  });
});
