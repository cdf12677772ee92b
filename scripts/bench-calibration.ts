/**
 * What every benchmark result records about the machine at the time it ran: the load average before and
 * after, and a short CPU calibration (the capture resampler's speed, 48 kHz -> 16 kHz, in input Msamples/s,
 * best of 5 rounds of 1 s of audio). Machines differ 2x from day to day; a figure is comparable only next
 * to its calibration.
 */
import { loadavg } from 'node:os';
import { Resampler } from '../src/audio/resampler.ts';

export interface Calibration {
  /** 48k -> 16k resampler throughput, input samples per second / 1e6 (best of `rounds`). */
  resampler_msamples_per_s: number;
  rounds: number;
}

export interface LoadSample {
  load1: number;
  load5: number;
  load15: number;
}

export function loadNow(): LoadSample {
  const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { load1: r(load1), load5: r(load5), load15: r(load15) };
}

/** ~0.2 s of CPU: resample 1 s of 48 kHz noise five times, keep the fastest round. */
export function calibrate(rounds = 5): Calibration {
  const input = new Float32Array(48_000);
  let seed = 1;
  for (let i = 0; i < input.length; i++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    input[i] = seed / 2 ** 32 - 0.5;
  }
  const quantum = 128;
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const rs = new Resampler({ inputRate: 48_000, outputRate: 16_000 });
    const out = new Float32Array(rs.maxOutputFrames(quantum));
    const t0 = performance.now();
    for (let off = 0; off + quantum <= input.length; off += quantum) {
      rs.process(input.subarray(off, off + quantum), out);
    }
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, input.length / s / 1e6);
  }
  return { resampler_msamples_per_s: Math.round(best * 100) / 100, rounds };
}
