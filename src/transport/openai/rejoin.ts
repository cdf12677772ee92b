/**
 * The rejoin loop of the OpenAI-protocol transports: after the link was lost, new connections with
 * capped exponential backoff (`reconnect` steps of phase `rejoin`) until one works, the transport closes,
 * or the backoff's attempts are used up. A refused key ends it at once (no retry fixes it).
 */
import { SottoError } from '../../errors.ts';
import { backoffDelay, type BackoffOptions } from '../backoff.ts';
import type { ReconnectStep } from '../types.ts';

export interface RejoinOptions {
  backoff?: BackoffOptions | undefined;
  /** One connection attempt; rejects with a SottoError. */
  attempt: () => Promise<void>;
  /** True once the transport is closing: the loop stops without a verdict. */
  closing: () => boolean;
  /** A step begins (the transport emits `reconnect`). */
  step: (s: ReconnectStep) => void;
  /** [0, 1) source for the jitter. Default `Math.random`. */
  random?: () => number;
  /** Waits `ms` (tests pass a fake). Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
}

/** Resolves with null once rejoined (or closing), or with the error to report when it gave up. */
export async function rejoin(o: RejoinOptions): Promise<SottoError | null> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: unknown = new Error('the link was lost');
  for (let attempt = 1; !o.closing(); attempt++) {
    const delayMs = backoffDelay(attempt, o.random ?? Math.random, o.backoff);
    if (delayMs === null) break;
    o.step({ phase: 'rejoin', attempt, delayMs });
    await sleep(delayMs);
    if (o.closing()) return null;
    try {
      await o.attempt();
      return null;
    } catch (e) {
      last = e;
      if (e instanceof SottoError && e.code === 'token_rejected') return e;
    }
  }
  if (o.closing()) return null;
  return new SottoError('server_unreachable', 'the link is gone and reconnecting failed', { cause: last });
}
