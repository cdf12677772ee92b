/**
 * Benchmarks of the pure audio cores (Node, no browser):
 *
 * - resampler: throughput in input samples per second of CPU (128-frame render quanta, mono), and quality
 *   as the SNR of a linear sine sweep 20 Hz - 7 kHz against the exact (double-precision, analytic) sweep
 *   at the output instants; plus the attenuation of tones above the output's Nyquist rate (aliasing).
 * - jitter buffer: seeded synthetic arrival traces (20 ms chunks, ordered delivery, exponential network
 *   jitter with the given mean, optional loss) played at 48 kHz in 128-frame quanta. Mean added delay (time a
 *   played sample waited after its chunk arrived) and underrun rate (silence from late audio, per received
 *   sample) of the adaptive buffer, side by side with a fixed-delay buffer whose delay is searched to the
 *   smallest one with an underrun rate no higher than the adaptive buffer's.
 *
 * `node --import tsx bench/audio-cores.ts` prints the JSON. Numbers, not assertions: nothing here fails.
 */
import { pathToFileURL } from 'node:url';
import { JitterBuffer } from '../src/audio/jitter-buffer.ts';
import { Prng } from '../src/audio/prng.ts';
import { Resampler, type ResamplerOptions } from '../src/audio/resampler.ts';

const QUANTUM = 128;

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Input samples per second through `process()` in 128-frame blocks; best of `runs`. */
function resamplerThroughput(options: ResamplerOptions, seconds = 5, runs = 3): number {
  const r = new Resampler(options);
  const input = new Float32Array(options.inputRate * seconds);
  for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 0.01) * 0.5;
  const blocks: Float32Array[] = [];
  for (let i = 0; i + QUANTUM <= input.length; i += QUANTUM) blocks.push(input.subarray(i, i + QUANTUM));
  const out = new Float32Array(r.maxOutputFrames(QUANTUM));
  let best = 0;
  for (let run = 0; run <= runs; run++) {
    const t0 = performance.now();
    for (const block of blocks) r.process(block, out);
    const rate = (blocks.length * QUANTUM) / ((performance.now() - t0) / 1000);
    if (run > 0) best = Math.max(best, rate); // run 0 warms up the JIT
  }
  return best;
}

/** Resamples all of `input` (in 128-frame blocks) and the tail; returns the output. */
function resampleAll(r: Resampler, input: Float32Array): Float32Array {
  const out = new Float32Array(r.maxOutputFrames(input.length) + r.maxOutputFrames(r.latencyFrames));
  const block = new Float32Array(r.maxOutputFrames(QUANTUM));
  let n = 0;
  for (let i = 0; i < input.length; i += QUANTUM) {
    const m = r.process(input.subarray(i, Math.min(input.length, i + QUANTUM)), block);
    out.set(block.subarray(0, m), n);
    n += m;
  }
  n += r.flush(out.subarray(n));
  return out.subarray(0, n);
}

/** SNR (dB) of a linear sweep f0 -> f1 through the resampler, against the analytic sweep. */
function sweepSnr(options: ResamplerOptions, f0 = 20, f1 = 7000, seconds = 4): number {
  const { inputRate: fin, outputRate: fout } = options;
  const amp = 0.5;
  const phase = (t: number): number => 2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * seconds));
  const input = new Float32Array(fin * seconds);
  for (let i = 0; i < input.length; i++) input[i] = amp * Math.sin(phase(i / fin));
  const out = resampleAll(new Resampler(options), input);
  // Skip 50 ms at each end (start-up of the filter and the sweep's abrupt ends).
  const edge = Math.ceil(0.05 * fout);
  let signal = 0;
  let noise = 0;
  for (let j = edge; j < out.length - edge; j++) {
    const ref = amp * Math.sin(phase(j / fout));
    signal += ref * ref;
    noise += ((out[j] ?? 0) - ref) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Output level (dB relative to the input tone) of a tone at `freq`, e.g. above the output Nyquist rate. */
function toneLeakDb(options: ResamplerOptions, freq: number): number {
  const fin = options.inputRate;
  const input = new Float32Array(fin);
  for (let i = 0; i < input.length; i++) input[i] = Math.sin((2 * Math.PI * freq * i) / fin);
  const out = resampleAll(new Resampler(options), input);
  let e = 0;
  const edge = Math.ceil(0.05 * options.outputRate);
  for (let j = edge; j < out.length - edge; j++) e += (out[j] ?? 0) ** 2;
  return 10 * Math.log10(e / (out.length - 2 * edge) / 0.5);
}

function resamplerBench(): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const cases: [string, ResamplerOptions][] = [
    ['48000->16000', { inputRate: 48000, outputRate: 16000 }],
    ['44100->16000', { inputRate: 44100, outputRate: 16000 }],
    ['48000->16000 fast (stopband 1.1)', { inputRate: 48000, outputRate: 16000, stopband: 1.1 }],
    ['44100->16000 fast (stopband 1.1)', { inputRate: 44100, outputRate: 16000, stopband: 1.1 }],
  ];
  for (const [name, options] of cases) {
    const r = new Resampler(options);
    result[name] = {
      taps: r.taps,
      latencyMs: round((r.latencyFrames / options.inputRate) * 1000, 2),
      throughputMsamplesPerSec: round(resamplerThroughput(options) / 1e6, 1),
      sweepSnrDb_20Hz_7kHz: round(sweepSnr(options), 1),
      leak8500HzDb: round(toneLeakDb(options, 8500), 1),
      leak10kHzDb: round(toneLeakDb(options, 10000), 1),
    };
  }
  for (const [name, options] of [
    ['24000->48000', { inputRate: 24000, outputRate: 48000 }],
    ['16000->44100', { inputRate: 16000, outputRate: 44100 }],
    ['22050->48000', { inputRate: 22050, outputRate: 48000 }],
  ] as [string, ResamplerOptions][]) {
    result[name] = {
      taps: new Resampler(options).taps,
      throughputMsamplesPerSec: round(resamplerThroughput(options) / 1e6, 1),
      sweepSnrDb_20Hz_7kHz: round(sweepSnr(options), 1),
    };
  }
  return result;
}

/** One chunk of a synthetic trace. */
interface Chunk {
  response: number;
  /** Index of the chunk in its response. */
  index: number;
  arrivalMs: number;
  lost: boolean;
}

interface Trace {
  chunks: Chunk[];
  /** Time each response's end is known (its last chunk's send time + base delay, lost or not), ms. */
  endMs: number[];
  durationMs: number;
}

const RATE = 48000;
const CHUNK_MS = 20;
const CHUNK = (RATE * CHUNK_MS) / 1000;
const RESPONSES = 12;
const RESPONSE_MS = 4000;
const PAUSE_MS = 1000;
const PER_RESPONSE = RESPONSE_MS / CHUNK_MS;
const BASE_DELAY_MS = 30;

/**
 * Responses of 4 s every 5 s, sent in real time in 20 ms chunks; network delay 30 ms + exponential jitter
 * with mean `jitterMs` (stationary), or with a mean that switches between 0.5x (calm, ~6 s) and 2.5x
 * (bursts, ~2 s) so that it averages `jitterMs` (bursty); ordered delivery (a late chunk holds back the next).
 */
function makeTrace(seed: number, jitterMs: number, loss: number, bursty: boolean): Trace {
  const rng = new Prng(seed);
  const chunks: Chunk[] = [];
  const endMs: number[] = [];
  let lastArrival = 0;
  let burst = false;
  for (let r = 0; r < RESPONSES; r++) {
    const start = r * (RESPONSE_MS + PAUSE_MS);
    for (let index = 0; index < PER_RESPONSE; index++) {
      if (bursty && rng.next() < CHUNK_MS / (burst ? 2000 : 6000)) burst = !burst;
      const mean = bursty ? (burst ? 2.5 : 0.5) * jitterMs : jitterMs;
      const sent = start + index * CHUNK_MS;
      const arrivalMs = Math.max(lastArrival, sent + BASE_DELAY_MS + (mean > 0 ? rng.exponential(mean) : 0));
      lastArrival = arrivalMs;
      chunks.push({ response: r, index, arrivalMs, lost: rng.next() < loss });
    }
    endMs.push(start + RESPONSE_MS + BASE_DELAY_MS);
  }
  return { chunks, endMs, durationMs: RESPONSES * (RESPONSE_MS + PAUSE_MS) + 2000 };
}

interface PlayoutResult {
  /** Mean time a played sample waited after its chunk arrived, ms. */
  meanAddedDelayMs: number;
  /** Samples of silence caused by late audio (not loss), per received sample. */
  underrunRate: number;
  underrunEvents: number;
}

const QUANTUM_MS = (QUANTUM / RATE) * 1000;

/** Plays a trace through the adaptive {@link JitterBuffer}, pulling one render quantum at a time. */
function playAdaptive(trace: Trace): PlayoutResult & { meanTargetMs: number; catchUpMs: number } {
  const jb = new JitterBuffer({ sampleRate: RATE });
  const out = new Float32Array(QUANTUM);
  const chunk = new Float32Array(CHUNK).fill(0.25);
  const arrivals = new Float64Array(RESPONSES * PER_RESPONSE);
  for (const c of trace.chunks) arrivals[c.response * PER_RESPONSE + c.index] = c.arrivalMs;
  let next = 0;
  let ended = 0;
  let delaySum = 0;
  let played = 0;
  let targetSum = 0;
  let pulls = 0;
  for (let q = 0; q * QUANTUM_MS < trace.durationMs; q++) {
    const now = q * QUANTUM_MS;
    for (let c = trace.chunks[next]; c !== undefined && c.arrivalMs <= now; c = trace.chunks[++next]) {
      if (!c.lost) jb.push(chunk, c.arrivalMs, c.response, c.index * CHUNK);
    }
    for (; ended < trace.endMs.length && (trace.endMs[ended] ?? Infinity) <= now; ended++) jb.end(ended);
    const id = jb.currentId;
    const position = id >= 0 ? jb.playedPosition(id) : 0;
    const heardBefore = id >= 0 ? jb.playedSamples(id) : 0;
    jb.pull(out, now);
    targetSum += jb.targetDelayMs;
    pulls++;
    if (id < 0) continue;
    const heard = jb.playedSamples(id) - heardBefore;
    const step = heard > 0 ? (jb.playedPosition(id) - position) / heard : 1;
    for (let j = 0; j < heard; j++) {
      const chunkIndex = Math.floor((position + Math.floor(j * step)) / CHUNK);
      delaySum += now + (j / RATE) * 1000 - (arrivals[id * PER_RESPONSE + chunkIndex] ?? now);
      played++;
    }
  }
  const received = trace.chunks.filter((c) => !c.lost).length * CHUNK;
  const st = jb.stats;
  return {
    meanAddedDelayMs: delaySum / played,
    underrunRate: (st.underrunSamples - st.concealedLossSamples) / received,
    underrunEvents: st.underruns,
    meanTargetMs: targetSum / pulls,
    catchUpMs: (st.catchUpSamples / RATE) * 1000,
  };
}

/**
 * Plays a trace through a fixed-delay buffer: a response plays from the first render quantum at or after
 * its first arrival + `delayMs`, in real time; audio not there in time is dropped (the rest of a late
 * chunk still plays).
 */
function playFixed(trace: Trace, delayMs: number): PlayoutResult {
  let delaySum = 0;
  let played = 0;
  let late = 0;
  let events = 0;
  let received = 0;
  let startMs = 0;
  let response = -1;
  for (const c of trace.chunks) {
    if (c.lost) continue;
    if (c.response !== response) {
      response = c.response;
      startMs = Math.ceil((c.arrivalMs + delayMs) / QUANTUM_MS) * QUANTUM_MS - c.index * CHUNK_MS;
    }
    received += CHUNK;
    // Samples s of the chunk play at t(s) = first + s / RATE; a sample is late when its quantum starts
    // before the arrival, i.e. when t(s) < ceil(arrival / quantum) * quantum.
    const firstMs = startMs + c.index * CHUNK_MS;
    const onTimeMs = Math.ceil(c.arrivalMs / QUANTUM_MS - 1e-9) * QUANTUM_MS;
    const lateSamples = Math.min(CHUNK, Math.max(0, Math.ceil(((onTimeMs - firstMs) * RATE) / 1000 - 1e-6)));
    if (lateSamples > 0) events++;
    late += lateSamples;
    const n = CHUNK - lateSamples;
    // Sum over s in [lateSamples, CHUNK) of t(s) - arrival.
    delaySum += n * (firstMs - c.arrivalMs) + (((lateSamples + CHUNK - 1) * n) / 2 / RATE) * 1000;
    played += n;
  }
  return { meanAddedDelayMs: delaySum / played, underrunRate: late / received, underrunEvents: events };
}

/** Smallest fixed delay (1 ms steps) whose underrun rate is at most `rate`. */
function tuneFixed(trace: Trace, rate: number): { delayMs: number; result: PlayoutResult } {
  let lo = 0;
  let hi = 2000;
  if (playFixed(trace, lo).underrunRate <= rate) hi = lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (playFixed(trace, mid).underrunRate <= rate) hi = mid;
    else lo = mid;
  }
  return { delayMs: hi, result: playFixed(trace, hi) };
}

const SEEDS = [1, 2, 3, 4, 5];

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function jitterBench(): Record<string, unknown> {
  const result: Record<string, unknown> = {
    setup:
      `48 kHz, 128-frame pulls; ${RESPONSES} responses of ${RESPONSE_MS} ms in ${CHUNK_MS} ms chunks; ` +
      `${BASE_DELAY_MS} ms + exponential jitter, ordered delivery; seeds ${SEEDS.join(',')}; numbers are means over seeds`,
  };
  for (const bursty of [false, true]) {
    for (const jitterMs of [0, 20, 50]) {
      for (const loss of [0, 0.05]) {
        if (bursty && jitterMs === 0) continue;
        const runs = SEEDS.map((seed) => {
          const trace = makeTrace(seed * 7919 + jitterMs * 31 + loss * 1000, jitterMs, loss, bursty);
          const adaptive = playAdaptive(trace);
          return { adaptive, fixed: tuneFixed(trace, adaptive.underrunRate) };
        });
        const a = (f: (r: (typeof runs)[number]) => number): number => mean(runs.map(f));
        result[`${bursty ? 'bursty' : 'stationary'} jitter ${jitterMs} ms, loss ${loss * 100}%`] = {
          adaptive: {
            meanAddedDelayMs: round(
              a((r) => r.adaptive.meanAddedDelayMs),
              1,
            ),
            meanTargetDelayMs: round(
              a((r) => r.adaptive.meanTargetMs),
              1,
            ),
            underrunRate: round(
              a((r) => r.adaptive.underrunRate),
              5,
            ),
            underrunEvents: round(
              a((r) => r.adaptive.underrunEvents),
              1,
            ),
            catchUpMs: round(
              a((r) => r.adaptive.catchUpMs),
              1,
            ),
          },
          fixedAtEqualUnderrunRate: {
            delayMs: round(
              a((r) => r.fixed.delayMs),
              1,
            ),
            meanAddedDelayMs: round(
              a((r) => r.fixed.result.meanAddedDelayMs),
              1,
            ),
            underrunRate: round(
              a((r) => r.fixed.result.underrunRate),
              5,
            ),
            underrunEvents: round(
              a((r) => r.fixed.result.underrunEvents),
              1,
            ),
          },
          delayRatioAdaptiveToFixed: round(
            a((r) => r.adaptive.meanAddedDelayMs) / a((r) => r.fixed.result.meanAddedDelayMs),
            3,
          ),
          delayRatioPerSeed: runs.map((r) => round(r.adaptive.meanAddedDelayMs / r.fixed.result.meanAddedDelayMs, 3)),
        };
      }
    }
  }
  return result;
}

/** Runs every benchmark of the audio cores; returns plain JSON-able numbers. */
export async function runAudioCoresBench(): Promise<Record<string, unknown>> {
  await Promise.resolve();
  return {
    resampler: resamplerBench(),
    jitterBuffer: jitterBench(),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runAudioCoresBench(), null, 2));
}
