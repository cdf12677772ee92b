import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAMEWORK_DELAY, patchReconnectDelay, SOTTO_DELAY } from './agent-reconnect.ts';

const workerJs = join(import.meta.dirname, '..', '..', 'node_modules', '@livekit', 'agents', 'dist', 'worker.js');

describe('the agents framework reconnect delay patch', () => {
  it('finds the installed framework line once and replaces it', () => {
    const out = patchReconnectDelay(readFileSync(workerJs, 'utf8'), workerJs);
    expect(out).toContain(SOTTO_DELAY);
    expect(out).not.toContain(FRAMEWORK_DELAY);
  });

  it('fails the build when the line is missing or repeated (a framework upgrade changed it)', () => {
    expect(() => patchReconnectDelay('const delay = 5;', 'x.js')).toThrow(/not there exactly once/);
    expect(() => patchReconnectDelay(`${FRAMEWORK_DELAY}\n${FRAMEWORK_DELAY}`, 'x.js')).toThrow(/exactly once/);
  });

  it('waits 0.5 s per failed attempt up to the cap, with jitter, never longer', () => {
    const delay = (retries: number, cap?: string): number => {
      const env: Record<string, string | undefined> = { SOTTO_LK_RECONNECT_MAX_S: cap };
      // The patched expression, evaluated as the bundle would.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the code under test is a source string
      const f = new Function('retries', 'process', `${SOTTO_DELAY} return delay;`) as (
        r: number,
        p: { env: typeof env },
      ) => number;
      return f(retries, { env });
    };
    for (let r = 1; r < 50; r++) {
      const d = delay(r);
      expect(d).toBeLessThanOrEqual(Math.min(0.5 * r, 2));
      expect(d).toBeGreaterThanOrEqual(0.75 * Math.min(0.5 * r, 2));
    }
    expect(delay(40, '5')).toBeGreaterThan(2);
  });
});
