import { describe, expect, it } from 'vitest';
import { SottoError } from '../../errors.ts';
import type { ReconnectStep } from '../types.ts';
import { rejoin } from './rejoin.ts';

const instant = (): Promise<void> => Promise.resolve();

describe('rejoin', () => {
  it('retries with backoff steps until an attempt works', async () => {
    const steps: ReconnectStep[] = [];
    let tries = 0;
    const r = await rejoin({
      attempt: () => (++tries < 3 ? Promise.reject(new SottoError('server_unreachable', 'x')) : Promise.resolve()),
      closing: () => false,
      step: (s) => steps.push(s),
      random: () => 0,
      sleep: instant,
    });
    expect(r).toBeNull();
    expect(steps).toEqual([
      { phase: 'rejoin', attempt: 1, delayMs: 150 },
      { phase: 'rejoin', attempt: 2, delayMs: 300 },
      { phase: 'rejoin', attempt: 3, delayMs: 600 },
    ]);
  });

  it('stops at a refused key, or when the attempts are used up', async () => {
    const refused = new SottoError('token_rejected', 'no');
    expect(
      await rejoin({
        attempt: () => Promise.reject(refused),
        closing: () => false,
        step: () => undefined,
        sleep: instant,
      }),
    ).toBe(refused);
    const gaveUp = await rejoin({
      backoff: { maxAttempts: 2 },
      attempt: () => Promise.reject(new Error('down')),
      closing: () => false,
      step: () => undefined,
      sleep: instant,
    });
    expect(gaveUp?.code).toBe('server_unreachable');
  });

  it('says nothing once the transport closes', async () => {
    let closing = false;
    const r = await rejoin({
      attempt: () => {
        closing = true;
        return Promise.reject(new Error('down'));
      },
      closing: () => closing,
      step: () => undefined,
      sleep: instant,
    });
    expect(r).toBeNull();
  });
});
