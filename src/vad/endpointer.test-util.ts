/** Shared helpers of the Endpointer tests: a frame clock, probability runs, event checks. */
import { expect } from 'vitest';
import type { Endpointer } from './endpointer.ts';
import type { EndpointerEvent } from './events.ts';

export const N = 512;
export const SR = 16_000;
export const T0 = 2.5;
export const SPEECH = 0.9;
export const SIL = 0.02;
export const MID = 0.4;

/** Sample position and AudioContext time of frame `i` of a stream whose first frame is at `base`. */
export const pos = (i: number, base = 0): number => base + i * N;
export const time = (p: number): number => T0 + p / SR;

export function rep(p: number, n: number): number[] {
  return new Array<number>(n).fill(p);
}

export interface Hit {
  i: number;
  e: EndpointerEvent;
}

export function run(ep: Endpointer, probs: readonly number[], first = 0, base = 0): Hit[] {
  const hits: Hit[] = [];
  probs.forEach((p, k) => {
    const framePos = pos(first + k, base);
    const e = ep.process(p, framePos, time(framePos));
    if (e) hits.push({ i: first + k, e });
  });
  return hits;
}

export const trace = (hits: Hit[]): [number, string][] => hits.map(({ i, e }) => [i, e.type]);

export function expectTimes(e: EndpointerEvent): void {
  // Every *Time field is its *Sample counterpart on the test's clock.
  const r = e as unknown as Record<string, number>;
  for (const k of ['decision', 'onset', 'start', 'end', 'resume']) {
    if (r[`${k}Sample`] !== undefined) expect(r[`${k}Time`]).toBeCloseTo(time(r[`${k}Sample`] ?? NaN), 9);
  }
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
