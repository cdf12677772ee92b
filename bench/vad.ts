/**
 * `npm run bench -- vad`: our VAD (Silero v5 in a worker on onnxruntime-web wasm + the endpointer) side
 * by side with @ricky0123/vad-web's MicVAD (same Silero v5 model; defaults, and tuned to our silenceMs), in
 * Chromium, in the same run, on the same audio.
 *
 * How: a Vite server of its own (pre-bundling the CommonJS vad-web, cache in node_modules/.vite-bench-vad)
 * serves demo/lab/vad-bench.html. The page plays every fixture of `.fixtures/vad` (espeak-ng voices and
 * speeds, white/pink noise at 10–20 dB SNR, hesitation pauses of 300–700 ms, clicks and bursts, and real
 * recordings) back to back, in real time, into one MediaStream. Our pipelines hear it through the lab
 * capture worklet and the capture ring (each configuration its own worker), each MicVAD through `getStream`.
 * Every event is stamped with the AudioContext time at which it reached the main thread (where an app
 * would act on it). Ground truth (energy of the clean signal, from the fixture manifest) is put on the same
 * clock by the schedule of each fixture plus the stream's path delay, measured with an impulse.
 *
 * Metrics (per pipeline; ms; percentiles nearest-rank over the turns of the run):
 * - inference_ms_*: one model run per 512-sample frame, measured alone after the real-time part (one model
 *   at a time, 500 frames back to back; ours in its worker, MicVAD's model function on the main thread);
 *   inference_live_ms_*: the same during the real-time part, where 5 models, the audio thread and the page
 *   share the 2 cores (so it includes preemption).
 * - worker_init_ms: constructor to ready (ours: worker, ORT wasm, model, session, warm-up; MicVAD: its
 *   `new()` + `start()`, model, ORT, worklet; it has no worker). Ours starts first, with a cold HTTP cache;
 *   the MicVADs then find ORT's wasm and the model cached, so ours also reports worker_init_warm_ms (the
 *   median of its later instances).
 * - onset_ms_*: true onset -> speech start known on the main thread (ours `speech_start`, MicVAD
 *   `onSpeechStart`). ours also `onset_error_ms_*`: the onset it reports (`onsetTime`) minus the truth.
 * - turn_end_ms_*: true end of the utterance -> end known (ours `turn_end`/`misfire`, MicVAD
 *   `onSpeechEnd`/`onVADMisfire`); turn_end_over_silence_ms_* = that minus the pipeline's own silence
 *   setting (silenceMs; MicVAD redemptionMs).
 * - false_starts: starts outside every true turn (from 250 ms before its onset to 500 ms after its end);
 *   false_starts_on_clicks: those within 600 ms after a click/burst/knock.
 * - premature_ends: ends that arrive inside a true turn (before its last speech sample);
 *   premature_ends_hesitation: those in the hesitation fixtures.
 *
 * `node --import tsx bench/vad.ts` writes bench/results/vad.json. Numbers, not assertions.
 */
import { readFileSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import type { BenchConfig, BenchEvent, BenchRaw } from '../demo/lab/vad-bench.ts';
import { launchChromium } from '../e2e/browser.ts';
import { freeTcpPort } from '../scripts/stack/ports.ts';
import type { SpeechStartEvent, TurnEndEvent } from '../src/vad/events.ts';
import type { VadReadyInfo, VadStats } from '../src/vad/types.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(root, '.fixtures', 'vad');

/** The page gets this long for the real-time run (~100 s of audio) before the bench gives up. */
const RUN_TIMEOUT_MS = 240_000;

/** Our silenceMs for the run (the endpointer's default, the OpenAI `silence_duration_ms` default). */
const SILENCE_MS = 500;

interface Range {
  startSample: number;
  endSample: number;
}

interface FixtureEntry {
  name: string;
  kind: string;
  turns: (Range & { pauses: Range[] })[];
  nonSpeech: Range[];
}

interface Manifest {
  rate: number;
  fixtures: FixtureEntry[];
}

interface Turn {
  fixture: string;
  kind: string;
  on: number;
  off: number;
}

function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return round(s[i] ?? Number.NaN);
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function fixtures(): Promise<Manifest> {
  const mod = (await import(pathToFileURL(join(root, 'scripts', 'vad-fixtures.mjs')).href)) as {
    buildVadFixtures(dir: string, o: { log: (m: string) => void }): boolean;
  };
  mod.buildVadFixtures(FIXTURES, {
    log: (m) => {
      console.log(`[bench vad] ${m}`);
    },
  });
  return JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;
}

/** MicVAD's own defaults (read from the installed package, not copied). */
function peerDefaults(): {
  redemptionMs: number;
  minSpeechMs: number;
  positiveSpeechThreshold: number;
  negativeSpeechThreshold: number;
} {
  const require = createRequire(import.meta.url);
  const fp = require('@ricky0123/vad-web/dist/frame-processor.js') as {
    defaultFrameProcessorOptions: {
      redemptionMs: number;
      minSpeechMs: number;
      positiveSpeechThreshold: number;
      negativeSpeechThreshold: number;
    };
  };
  return fp.defaultFrameProcessorOptions;
}

/** The truth of the run on the capture clock. */
function truth(
  raw: BenchRaw,
  manifest: Manifest,
): { turns: Turn[]; clicks: { fixture: string; from: number; to: number }[] } {
  const turns: Turn[] = [];
  const clicks: { fixture: string; from: number; to: number }[] = [];
  for (const s of raw.schedule) {
    const name =
      s.url
        .split('/')
        .pop()
        ?.replace(/\.wav$/, '') ?? '';
    const f = manifest.fixtures.find((x) => x.name === name);
    if (!f) throw new Error(`fixture ${name} is not in the manifest`);
    const t = (x: number): number => s.start + raw.delay + x / manifest.rate;
    for (const turn of f.turns)
      turns.push({ fixture: name, kind: f.kind, on: t(turn.startSample), off: t(turn.endSample) });
    for (const n of f.nonSpeech) clicks.push({ fixture: name, from: t(n.startSample), to: t(n.endSample) });
  }
  return { turns: turns.sort((a, b) => a.on - b.on), clicks };
}

interface Normalised {
  /** Inference alone (one model at a time, back to back). */
  isolatedMs: number[];
  /** `onsetTime`/`decisionTime`: what ours reports (AudioContext clock), absent for MicVAD. */
  starts: { at: number; onsetTime?: number; decisionTime?: number }[];
  ends: { at: number; misfire: boolean; endTime?: number; decisionTime?: number }[];
  silenceMs: number;
  inferenceMs: number[];
  initMs: number;
}

/** The metrics of one pipeline against the truth. */
function analyse(p: Normalised, t: ReturnType<typeof truth>): Record<string, unknown> {
  const { turns, clicks } = t;
  const onset: number[] = [];
  const onsetError: number[] = [];
  const turnEnd: number[] = [];
  const endError: number[] = [];
  const endDecision: number[] = [];
  const delivery: number[] = [];
  const perTurn: Record<string, unknown>[] = [];
  let premature = 0;
  let prematureHes = 0;
  let missedOnsets = 0;
  let missedEnds = 0;
  turns.forEach((turn, i) => {
    const windowEnd = turns[i + 1]?.on ?? Number.POSITIVE_INFINITY;
    const start = p.starts.find((s) => s.at >= turn.on - 0.25 && s.at <= turn.off + 0.5);
    if (start) {
      onset.push((start.at - turn.on) * 1000);
      if (start.onsetTime !== undefined) onsetError.push((start.onsetTime - turn.on) * 1000);
      if (start.decisionTime !== undefined) delivery.push((start.at - start.decisionTime) * 1000);
    } else {
      missedOnsets++;
    }
    const early = p.ends.filter((e) => e.at > turn.on && e.at < turn.off).length;
    premature += early;
    if (turn.kind === 'hesitation') prematureHes += early;
    const end = p.ends.find((e) => e.at >= turn.off && e.at < windowEnd - 0.25);
    if (end) {
      turnEnd.push((end.at - turn.off) * 1000);
      if (end.endTime !== undefined) endError.push((end.endTime - turn.off) * 1000);
      if (end.decisionTime !== undefined) {
        endDecision.push((end.decisionTime - turn.off) * 1000 - p.silenceMs);
        delivery.push((end.at - end.decisionTime) * 1000);
      }
    } else {
      missedEnds++;
    }
    perTurn.push({
      fixture: turn.fixture,
      onset_ms: start ? round((start.at - turn.on) * 1000, 1) : null,
      turn_end_ms: end ? round((end.at - turn.off) * 1000, 1) : null,
      premature_ends: early,
    });
  });
  const inTurn = (at: number): boolean => turns.some((u) => at >= u.on - 0.25 && at <= u.off + 0.5);
  const falseStarts = p.starts.filter((s) => !inTurn(s.at));
  const onClicks = falseStarts.filter((s) => clicks.some((c) => s.at >= c.from && s.at <= c.to + 0.6));
  const over = turnEnd.map((x) => x - p.silenceMs);
  return {
    inference_ms_p50: percentile(p.isolatedMs, 0.5),
    inference_ms_p95: percentile(p.isolatedMs, 0.95),
    inference_frames: p.isolatedMs.length,
    inference_live_ms_p50: percentile(p.inferenceMs, 0.5),
    inference_live_ms_p95: percentile(p.inferenceMs, 0.95),
    inference_live_frames: p.inferenceMs.length,
    worker_init_ms: round(p.initMs, 1),
    onset_ms_p50: percentile(onset, 0.5),
    onset_ms_p95: percentile(onset, 0.95),
    ...(onsetError.length > 0
      ? { onset_error_ms_p50: percentile(onsetError, 0.5), onset_error_ms_p95: percentile(onsetError, 0.95) }
      : {}),
    turn_end_ms_p50: percentile(turnEnd, 0.5),
    turn_end_ms_p95: percentile(turnEnd, 0.95),
    silence_ms: p.silenceMs,
    turn_end_over_silence_ms_p50: percentile(over, 0.5),
    turn_end_over_silence_ms_p95: percentile(over, 0.95),
    ...(endError.length > 0
      ? {
          diagnostics: {
            end_error_ms_p50: percentile(endError, 0.5),
            end_error_ms_p95: percentile(endError, 0.95),
            end_decision_over_silence_ms_p50: percentile(endDecision, 0.5),
            end_decision_over_silence_ms_p95: percentile(endDecision, 0.95),
            delivery_ms_p50: percentile(delivery, 0.5),
            delivery_ms_p95: percentile(delivery, 0.95),
            how: 'end_error: reported speech end (endTime) - true end; end_decision_over_silence: decisionTime (end of the deciding frame, capture clock) - true end - silenceMs; delivery: arrival on the main thread - decisionTime (polling, inference, worker -> main)',
          },
        }
      : {}),
    false_starts: falseStarts.length,
    false_starts_on_clicks: onClicks.length,
    premature_ends: premature,
    premature_ends_hesitation: prematureHes,
    misfires: p.ends.filter((e) => e.misfire).length,
    missed_onsets: missedOnsets,
    missed_ends: missedEnds,
    per_turn: perTurn,
  };
}

function ours(rec: BenchRaw['ours'][string], silenceMs: number, isolatedMs: number[]): Normalised {
  const starts = rec.events
    .filter((e) => e.type === 'speech_start')
    .map((e) => {
      const p = e.payload as SpeechStartEvent;
      return { at: e.at, onsetTime: p.onsetTime, decisionTime: p.decisionTime };
    });
  const ends = rec.events
    .filter((e) => e.type === 'turn_end' || e.type === 'misfire')
    .map((e) => {
      const p = e.payload as TurnEndEvent;
      return { at: e.at, misfire: e.type === 'misfire', endTime: p.endTime, decisionTime: p.decisionTime };
    });
  return { starts, ends, silenceMs, inferenceMs: rec.inferenceMs, initMs: rec.initMs, isolatedMs };
}

function peer(rec: BenchRaw['peers'][string], silenceMs: number, isolatedMs: number[]): Normalised {
  const pick = (types: string[]): BenchEvent[] => rec.events.filter((e) => types.includes(e.type));
  return {
    starts: pick(['speech_start']).map((e) => ({ at: e.at })),
    ends: pick(['speech_end', 'misfire']).map((e) => ({ at: e.at, misfire: e.type === 'misfire' })),
    silenceMs,
    inferenceMs: rec.inferenceMs,
    initMs: rec.initMs,
    isolatedMs,
  };
}

async function drive(config: BenchConfig): Promise<BenchRaw> {
  const port = await freeTcpPort();
  let vite: ViteDevServer | null = null;
  let browser: Browser | null = null;
  const stop = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await vite?.close().catch(() => undefined);
  };
  const onSignal = (): void => {
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    vite = await createServer({
      configFile: join(root, 'vite.config.ts'),
      // Its own optimizer cache: pre-bundling vad-web here must not disturb a demo server running alongside.
      cacheDir: join(root, 'node_modules', '.vite-bench-vad'),
      optimizeDeps: { include: ['@ricky0123/vad-web'] },
      server: { port, strictPort: true, host: '127.0.0.1' },
      logLevel: 'warn',
    });
    await vite.listen();
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/lab/vad-bench.html`);
    await page.waitForFunction(
      () => (window as unknown as { vadBench?: { ready: boolean } }).vadBench?.ready === true,
      null,
      {
        timeout: 60_000,
      },
    );
    // The config crosses as JSON (Playwright's deep serialisable-type check chokes on VadOptions).
    const run = page.evaluate(
      (json) =>
        (window as unknown as { vadBench: { run(c: unknown): Promise<unknown> } }).vadBench.run(JSON.parse(json)),
      JSON.stringify(config),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`the bench page did not finish in ${RUN_TIMEOUT_MS / 1000} s (machine overloaded?)`));
      }, RUN_TIMEOUT_MS);
    });
    const raw = (await Promise.race([run, timeout]).finally(() => {
      clearTimeout(timer);
    })) as BenchRaw;
    if (problems.length > 0) throw new Error(`the bench page failed: ${problems.join('; ')}`);
    return raw;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
}

export async function runVadBench(): Promise<Record<string, unknown>> {
  const manifest = await fixtures();
  const defaults = peerDefaults();
  const loadBefore = loadavg()[0] ?? 0;
  const url = (name: string): string => `/@fs${FIXTURES}/${name}.wav`;
  // Our defaults, and two variants of the endpointer settings (same model, same audio, same run).
  const variants: { name: string; endpointer: Record<string, number> }[] = [
    { name: 'default', endpointer: {} },
    { name: 'min_speech_frames_3', endpointer: { minSpeechFrames: 3 } },
    { name: 'negative_threshold_0.5', endpointer: { negativeThreshold: 0.5 } },
    {
      name: 'thresholds_0.3_0.25',
      endpointer: {
        positiveThreshold: defaults.positiveSpeechThreshold,
        negativeThreshold: defaults.negativeSpeechThreshold,
      },
    },
  ];
  const config: BenchConfig = {
    urls: manifest.fixtures.map((f) => url(f.name)),
    ours: variants.map((v) => ({
      name: v.name,
      options: { backend: 'auto', endpointer: { silenceMs: SILENCE_MS, ...v.endpointer }, maxLagMs: 500 },
    })),
    peers: [
      { name: 'defaults', options: {} },
      { name: 'tuned', options: { redemptionMs: SILENCE_MS } },
    ],
    vadWebBase: `/@fs${join(root, 'node_modules', '@ricky0123', 'vad-web', 'dist')}/`,
    ortBase: `/@fs${join(root, 'node_modules', 'onnxruntime-web', 'dist')}/`,
    tail: 2,
  };
  const raw = await drive(config);
  const t = truth(raw, manifest);
  const main = raw.ours.default;
  if (!main) throw new Error('no result for our default configuration');
  const result = analyse(ours(main, SILENCE_MS, raw.isolated.ours), t);
  const variantResults = Object.fromEntries(
    variants.slice(1).flatMap((v) => {
      const rec = raw.ours[v.name];
      return rec
        ? [[v.name, { endpointer: v.endpointer, ...analyse(ours(rec, SILENCE_MS, raw.isolated.ours), t) }]]
        : [];
    }),
  );
  const peerDefault = raw.peers.defaults;
  const peerTuned = raw.peers.tuned;
  if (!peerDefault || !peerTuned) throw new Error('no MicVAD result');
  const peerResults = {
    defaults: {
      redemption_ms: defaults.redemptionMs,
      ...analyse(peer(peerDefault, defaults.redemptionMs, raw.isolated.peers.defaults ?? []), t),
    },
    tuned: { redemption_ms: SILENCE_MS, ...analyse(peer(peerTuned, SILENCE_MS, raw.isolated.peers.tuned ?? []), t) },
  };
  const ready = main.ready as VadReadyInfo;
  const num = (r: Record<string, unknown>, k: string): number => (typeof r[k] === 'number' ? r[k] : Number.NaN);
  const targets = (r: Record<string, unknown>): Record<string, boolean> => ({
    inference_p50_le_0_5_ms: num(r, 'inference_ms_p50') <= 0.5,
    onset_p50_le_64_ms: num(r, 'onset_ms_p50') <= 64,
    turn_end_p95_le_silence_plus_64_ms: num(r, 'turn_end_over_silence_ms_p95') <= 64,
    zero_false_starts_on_clicks: num(r, 'false_starts_on_clicks') === 0,
    premature_ends_le_tuned_peer: num(r, 'premature_ends') <= num(peerResults.tuned, 'premature_ends'),
  });
  const warm = variants
    .slice(1)
    .map((v) => raw.ours[v.name]?.initMs ?? Number.NaN)
    .filter((x) => Number.isFinite(x));
  return {
    ...result,
    worker_init_warm_ms: percentile(warm, 0.5),
    backend: ready.backend,
    backend_reason: ready.reason,
    stats: main.stats as VadStats,
    targets: targets(result),
    variants: Object.fromEntries(
      Object.entries(variantResults).map(([k, v]) => [k, { ...v, targets: targets(v as Record<string, unknown>) }]),
    ),
    peer: peerResults,
    setup: {
      silence_ms: SILENCE_MS,
      ours: "VadClient defaults (endpointer: positiveThreshold 0.5, negativeThreshold 0.35, minSpeechFrames 1, minSpeechMs 160) with silenceMs 500; variants change what their `endpointer` says (min_speech_frames_3 = the endpointer's generic default); Silero v5, onnxruntime-web wasm, 1 thread, one worker each, all reading the same capture ring",
      peer: `@ricky0123/vad-web MicVAD, model v5 (its default model is "legacy"; v5 for a like-for-like model), AudioWorklet, 1 ORT thread; defaults: redemptionMs ${defaults.redemptionMs}, minSpeechMs ${defaults.minSpeechMs}, thresholds ${defaults.positiveSpeechThreshold}/${defaults.negativeSpeechThreshold}; tuned: redemptionMs ${SILENCE_MS}`,
      fixtures: manifest.fixtures.length,
      turns: t.turns.length,
      audio_seconds: round(raw.schedule.reduce((s, x) => s + x.samples, 0) / raw.rate, 1),
      stream_path_delay_ms: round(raw.delay * 1000, 2),
      main_thread_stall_ms_max: round(raw.stalls.maxMs, 1),
      main_thread_stalls_over_100_ms: raw.stalls.over100,
      valid: raw.stalls.maxMs < 250,
      validity:
        "invalid when the page's main thread stalled for 250 ms or more during the run (this machine is shared): every pipeline's timings are then polluted; run again",
      clock: 'AudioContext time at arrival on the main thread (ctx.currentTime, render-quantum granularity)',
      load_average_before: round(loadBefore, 2),
      load_average_after: round(loadavg()[0] ?? 0, 2),
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = new Date();
  const t0 = performance.now();
  runVadBench()
    .then((results) => {
      const out = {
        bench: 'vad',
        started: started.toISOString(),
        seconds: Math.round((performance.now() - t0) / 100) / 10,
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30) },
        node: process.version,
        results,
      };
      const dir = join(root, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'vad.json'), `${JSON.stringify(out, null, 2)}\n`);
      console.log(JSON.stringify(results, (k, v: unknown) => (k === 'per_turn' ? undefined : v), 2));
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
