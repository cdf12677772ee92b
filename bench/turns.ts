/**
 * `npm run bench -- turns`: the turn-taking benchmark. False cut-offs (a decision "the turn is over"
 * inside a pause of an unfinished turn) against dead air (true end of turn -> decision), per detector,
 * over a sweep of its parameter, on the same audio in the same run. See docs/turn-bench.md.
 *
 * Data: scripts/turn-fixtures.mjs (real recordings with their natural pauses, joined and stretched real
 * turns, espeak-ng SSML turns with mid-sentence breaks, noise and clicks), laid end to end with 4 s gaps.
 * Detectors:
 * - silence_*: Sotto's VAD as the session runs it (Silero v5 in the real worker in Chromium, the session's
 *   endpointer defaults), silenceMs swept 100-3000 ms. The worker's probabilities are replayed through the
 *   same Endpointer class in Node for the sweep; the replay must reproduce the worker's own turn_end
 *   events at the silenceMs values it ran (`replay_matches_worker`), or the bench fails.
 * - vad_web: @ricky0123/vad-web with MicVAD's defaults (legacy model in Chromium; its FrameProcessor in
 *   Node over those probabilities), redemptionMs swept.
 * - livekit_v1_mini: LiveKit's open audio turn detector through @livekit/agents' TurnDetector (Node),
 *   asked at pause points (bench/turns-policy.ts), threshold swept.
 * - smart_turn / sotto: Smart Turn v3.2 and Sotto's turn policy, when their modules are in the tree
 *   (bench/turns-models.ts); otherwise "not run: <reason>".
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TurnModelAnswers, TurnsBenchRaw } from '../demo/lab/turns-bench.ts';
import { openTurnsPage, type TurnsPage } from './turns-browser.ts';
import { writeTurnsChart, type ChartSeries } from './turns-chart.ts';
import { livekitTurnModel } from './turns-livekit.ts';
import {
  SMART_TURN_MODULE,
  SMART_TURN_WEIGHTS,
  smartTurnMissing,
  smartTurnRows,
  type ModelAnswers,
} from './turns-models.ts';
import {
  agentsSessionDecisions,
  askPoints,
  clusterPauses,
  policyDecisions,
  type ModelPolicy,
  type Pause,
  type SilenceEvent,
} from './turns-policy.ts';
import { smartTurnParity } from './turns-parity.ts';
import { replaySilence } from './turns-replay.ts';
import {
  operatingPoints,
  percentile,
  scoreDecisions,
  summary as pick,
  type CurvePoint,
  type Score,
  type TruthTurn,
} from './turns-score.ts';
import { VAD_WEB_DEFAULTS, vadWebDecisions } from './turns-vadweb.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(root, '.fixtures', 'turns');
const RATE = 16_000;
/** Silence between fixtures: longer than every detector's longest wait, so each decision is attributable. */
const GAP_SAMPLES = 4 * RATE;
/** The silence sweep (ms). */
const SILENCE_SWEEP = Array.from({ length: 59 }, (_, i) => 100 + 50 * i);
/** The fixed points reported as rows of their own. */
const SILENCE_ROWS = [200, 300, 500, 800];
/** The worker runs these (the session default and the OpenAI default) to check the replay. */
const WORKER_SILENCE = [200, 500];
/** How turn models are asked (bench/turns-policy.ts): from LiveKit's 200 ms first question, every 100 ms. */
export const MODEL_POLICY: ModelPolicy = {
  asksMs: Array.from({ length: 18 }, (_, i) => 200 + 100 * i),
  ceilingMs: 2000,
};
const THRESHOLDS = [...Array.from({ length: 51 }, (_, i) => i / 50), 1.01];
/** @livekit/agents 1.9 AgentSession with a streaming (audio) turn detector: streamingEndpointingOptions. */
const AGENTS_SESSION = { askMs: 200, minDelayMs: 300, maxDelayMs: 2500 };

interface FixtureEntry {
  name: string;
  file: string;
  set: string;
  kind: string;
  samples: number;
  turn: { startSample: number; endSample: number; holds: { startSample: number; endSample: number }[] };
}

interface Manifest {
  hash: string;
  rate: number;
  fixtures: FixtureEntry[];
}

async function fixtures(): Promise<Manifest> {
  const mod = (await import(pathToFileURL(join(root, 'scripts', 'turn-fixtures.mjs')).href)) as {
    buildTurnFixtures(dir: string, o: { log: (m: string) => void }): boolean;
  };
  mod.buildTurnFixtures(FIXTURES, {
    log: (m) => {
      console.log(`[bench turns] ${m}`);
    },
  });
  return JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;
}

async function readStream(manifest: Manifest, raw: TurnsBenchRaw): Promise<Float32Array> {
  const { readWav16 } = (await import(pathToFileURL(join(root, 'scripts', 'vad-wav.mjs')).href)) as {
    readWav16: (p: string) => { rate: number; samples: Float32Array };
  };
  const out = new Float32Array(raw.samples);
  manifest.fixtures.forEach((f, i) => {
    const x = readWav16(join(FIXTURES, f.file)).samples;
    out.set(x, raw.offsets[i] ?? 0);
  });
  return out;
}

function truthTurns(manifest: Manifest, raw: TurnsBenchRaw): TruthTurn[] {
  return manifest.fixtures.map((f, i) => {
    const o = raw.offsets[i] ?? 0;
    return {
      fixture: f.name,
      set: f.set,
      start: o + f.turn.startSample,
      end: o + f.turn.endSample,
      holds: f.turn.holds.map((h) => ({ start: o + h.startSample, end: o + h.endSample })),
      windowEnd: raw.offsets[i + 1] ?? raw.samples,
    };
  });
}

/** Where the fixture containing `sample` starts (model questions see only their own fixture's audio). */
function fixtureStart(raw: TurnsBenchRaw, sample: number): number {
  let s = 0;
  for (const o of raw.offsets) if (o <= sample) s = o;
  return s;
}

type Sets = Record<string, TruthTurn[]>;

function curveOf(
  sets: Sets,
  params: readonly number[],
  decisions: (param: number) => number[],
): Record<string, CurvePoint[]> {
  const out: Record<string, CurvePoint[]> = Object.fromEntries(Object.keys(sets).map((k) => [k, []]));
  for (const param of params) {
    const d = decisions(param);
    for (const [k, turns] of Object.entries(sets)) out[k]?.push({ param, ...scoreDecisions(turns, d, RATE) });
  }
  return out;
}

/** A detector's row: its score at its default, its operating points, its curve. */
function row(
  curve: readonly CurvePoint[],
  defaultParam: number | null,
  extra: Record<string, unknown>,
  withCurve = true,
): Record<string, unknown> {
  const at = defaultParam === null ? undefined : curve.find((c) => c.param === defaultParam);
  return {
    ...extra,
    ...(at ? pick(at) : {}),
    ...operatingPoints(curve),
    ...(withCurve ? { curve: curve.map(compact) } : {}),
  };
}

const compact = (c: CurvePoint): Record<string, number | null> => ({
  param: c.param,
  false_cutoff_pct: c.false_cutoff_pct,
  dead_air_ms_p50: c.dead_air_ms_p50,
  turns_cut_pct: c.turns_cut_pct,
});

function sameDecisions(a: readonly number[], b: readonly number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Smart Turn's answers at the ask points, asked on the bench page, or why it cannot run. */
async function askSmartTurn(
  page: TurnsPage,
  raw: TurnsBenchRaw,
  asks: readonly number[],
): Promise<ModelAnswers | { notRun: string }> {
  const missing = smartTurnMissing();
  if (missing !== null) return { notRun: missing };
  const a = (await page.call('smartTurn', {
    moduleUrl: `/@fs${SMART_TURN_MODULE}`,
    modelUrl: `/@fs${SMART_TURN_WEIGHTS}`,
    ortBase: `/@fs${join(root, 'node_modules', 'onnxruntime-web', 'dist')}/`,
    from: asks.map((at) => fixtureStart(raw, at)),
    at: asks,
  })) as TurnModelAnswers;
  return {
    answers: new Map(asks.map((at, k) => [at, a.probability[k] ?? Number.NaN])),
    threshold: a.threshold,
    inferenceMs: a.ms,
    costMs: new Map(asks.map((at, k) => [at, a.ms[k] ?? Number.POSITIVE_INFINITY])),
  };
}

export async function runTurnsBench(): Promise<Record<string, unknown>> {
  const page = await openTurnsPage();
  try {
    return await bench(page);
  } finally {
    await page.close();
  }
}

async function bench(page: TurnsPage): Promise<Record<string, unknown>> {
  const all = await fixtures();
  // SOTTO_TURNS_ONLY=<regex>: a subset of the fixtures (quick runs while working on the bench).
  const only = process.env.SOTTO_TURNS_ONLY;
  const manifest = only ? { ...all, fixtures: all.fixtures.filter((f) => new RegExp(only).test(f.name)) } : all;
  const t0 = performance.now();
  const url = (f: FixtureEntry): string => `/@fs${join(FIXTURES, f.file)}`;
  const raw = await page.run({
    urls: manifest.fixtures.map(url),
    gapSamples: GAP_SAMPLES,
    silenceMs: WORKER_SILENCE,
    vadWebBase: `/@fs${join(root, 'node_modules', '@ricky0123', 'vad-web', 'dist')}/`,
    ortBase: `/@fs${join(root, 'node_modules', 'onnxruntime-web', 'dist')}/`,
  });
  console.log(`[bench turns] page done in ${Math.round((performance.now() - t0) / 1000)} s`);
  if (process.env.SOTTO_TURNS_DUMP) writeFileSync(process.env.SOTTO_TURNS_DUMP, JSON.stringify(raw));
  const errors = raw.workers.flatMap((w) => w.errors);
  if (errors.length > 0) throw new Error(`the VAD worker reported errors: ${errors.join('; ')}`);
  const audio = await readStream(manifest, raw);
  const turns = truthTurns(manifest, raw);
  const sets: Sets = {
    all: turns,
    real: turns.filter((t) => t.set === 'real'),
    synthetic: turns.filter((t) => t.set === 'synthetic'),
    // The reality check: real-speech turns that have pauses inside (joined, stretched, or natural).
    real_with_pauses: turns.filter((t) => t.set === 'real' && t.holds.length > 0),
    // The recordings as they are (natural pauses only: no joins, no stretched gaps).
    real_natural: turns.filter((t) => t.fixture.startsWith('real_clip')),
  };
  const main = raw.workers[0];
  if (!main || main.position.length === 0) throw new Error('no frames from the VAD worker');
  const frames = { position: main.position, probability: main.probability };

  // Silence: the endpointer replayed over the worker's probabilities, checked against the worker itself.
  const replays = new Map<number, SilenceEvent[]>();
  for (const s of SILENCE_SWEEP) replays.set(s, replaySilence(frames, audio, raw.endpointer, s));
  const check = raw.workers.map((w) => {
    const worker = w.events.filter((e) => e.type === 'turn_end').map((e) => e.decisionSample);
    const replay = (replays.get(w.silenceMs) ?? replaySilence(frames, audio, raw.endpointer, w.silenceMs)).map(
      (e) => e.decisionSample,
    );
    return {
      silence_ms: w.silenceMs,
      worker_turn_ends: worker.length,
      replay_turn_ends: replay.length,
      same: sameDecisions(worker, replay),
    };
  });
  if (!check.every((c) => c.same))
    throw new Error(`the endpointer replay differs from the worker: ${JSON.stringify(check)}`);
  const silenceDecisions = (s: number): number[] => (replays.get(s) ?? []).map((e) => e.decisionSample);
  const silenceCurves = curveOf(sets, SILENCE_SWEEP, silenceDecisions);

  // @ricky0123/vad-web, MicVAD defaults; redemptionMs swept in whole frames.
  const msPerFrame = raw.vadWeb.frameSamples / 16;
  const redemption = Array.from({ length: 31 }, (_, i) => Math.round((i + 1) * msPerFrame));
  if (!redemption.includes(VAD_WEB_DEFAULTS.redemptionMs)) redemption.push(VAD_WEB_DEFAULTS.redemptionMs);
  redemption.sort((a, b) => a - b);
  const vadWebRuns = new Map<number, number[]>();
  for (const r of redemption)
    vadWebRuns.set(r, await vadWebDecisions(raw.vadWeb.probability, raw.vadWeb.frameSamples, { redemptionMs: r }));
  const vadWebCurves = curveOf(sets, redemption, (r) => vadWebRuns.get(r) ?? []);

  // Turn models: asked at the pause points of Sotto's VAD.
  const pauses: Pause[] = clusterPauses([...replays.values()].flat());
  const asks = askPoints(pauses, MODEL_POLICY);
  const audioUpTo = (at: number): Float32Array => audio.subarray(fixtureStart(raw, at), at);
  console.log(`[bench turns] ${pauses.length} VAD pauses, ${asks.length} model questions`);

  const lk = await livekitTurnModel();
  const lkAnswers = new Map<number, number>();
  const lkWall: number[] = [];
  try {
    for (const at of asks) {
      const t0 = performance.now();
      lkAnswers.set(at, await lk.predict(audioUpTo(at)));
      lkWall.push(performance.now() - t0);
    }
  } finally {
    await lk.close();
  }
  const lkCurves = curveOf(sets, THRESHOLDS, (th) => policyDecisions(pauses, lkAnswers, th, MODEL_POLICY));
  const lkAgents = (set: TruthTurn[]): Score =>
    scoreDecisions(set, agentsSessionDecisions(pauses, lkAnswers, lk.threshold, AGENTS_SESSION), RATE);
  const lkDefault = THRESHOLDS.reduce((best, t) =>
    Math.abs(t - lk.threshold) < Math.abs(best - lk.threshold) ? t : best,
  );
  // The default threshold itself, not the nearest sweep point.
  const lkAtDefault = (set: TruthTurn[]): Score =>
    scoreDecisions(set, policyDecisions(pauses, lkAnswers, lk.threshold, MODEL_POLICY), RATE);

  // Smart Turn is also asked at 100 ms of pause (the endpointer's turn_ending), for the early-question policy.
  const smartAsks = askPoints(pauses, { ...MODEL_POLICY, asksMs: [100, ...MODEL_POLICY.asksMs] });
  // Parity of the browser runtime with the Python reference (the unit test checks onnxruntime-node).
  const parity =
    smartTurnMissing() === null
      ? await smartTurnParity()
      : { max_abs_diff: `not run: ${String(smartTurnMissing())}`, clips: 0, runtime: '' };
  console.log(
    `[bench turns] Smart Turn parity (wasm): max abs difference ${String(parity.max_abs_diff)}` +
      ('native_unfused' in parity
        ? `, ${String(parity.decision_flips)} decision flips; the reference runtime unfused: ${String(parity.native_unfused.max_abs_diff)}, ${String(parity.native_unfused.decision_flips)} flips`
        : ''),
  );
  const smartAnswers = await askSmartTurn(page, raw, smartAsks);
  const smart = smartTurnRows({ pauses, policy: MODEL_POLICY, thresholds: THRESHOLDS }, smartAnswers);
  // SOTTO_TURNS_ANSWERS=<file>: the truth, the pauses and Smart Turn's answers, for studying policies offline.
  const dump = process.env.SOTTO_TURNS_ANSWERS;
  if (dump && !('notRun' in smartAnswers))
    writeFileSync(
      dump,
      JSON.stringify({ turns, pauses, answers: [...smartAnswers.answers], costMs: [...smartAnswers.costMs] }),
    );

  const detectorsFor = (set: string): Record<string, unknown> => {
    const sc = silenceCurves[set] ?? [];
    const silenceRows = Object.fromEntries(
      SILENCE_ROWS.map((s) => [
        `silence_${s}`,
        row(sc, s, { swept: 'silence_ms', silence_ms: s, how: 'curve and operating points: see "silence"' }, false),
      ]),
    );
    const lkSet = sets[set] ?? [];
    return {
      ...silenceRows,
      silence: row(sc, 200, {
        swept: 'silence_ms',
        how: "Sotto's VAD (Silero v5 in the real worker, session endpointer defaults), the turn ends after silenceMs",
        default_silence_ms: 200,
      }),
      vad_web: row(vadWebCurves[set] ?? [], VAD_WEB_DEFAULTS.redemptionMs, {
        swept: 'redemption_ms',
        how: `@ricky0123/vad-web MicVAD defaults (legacy model, ${raw.vadWeb.frameSamples}-sample frames, thresholds ${VAD_WEB_DEFAULTS.positiveSpeechThreshold}/${VAD_WEB_DEFAULTS.negativeSpeechThreshold}, minSpeechMs ${VAD_WEB_DEFAULTS.minSpeechMs}); onSpeechEnd is the decision`,
        default_redemption_ms: VAD_WEB_DEFAULTS.redemptionMs,
      }),
      livekit_v1_mini: {
        ...row(lkCurves[set] ?? [], lkDefault, {
          swept: 'threshold',
          how: `${lk.model} via @livekit/agents inference.TurnDetector (Node), asked at ${MODEL_POLICY.asksMs[0]}..${MODEL_POLICY.asksMs.at(-1)} ms of VAD silence every 100 ms, ends at the first answer >= threshold, else at ${MODEL_POLICY.ceilingMs} ms`,
          default_threshold: lk.threshold,
        }),
        ...pick(lkAtDefault(lkSet)),
        agents_session_defaults: {
          how: `LiveKit AgentSession's own rule: asked once at ${AGENTS_SESSION.askMs} ms of silence; >= ${lk.threshold}: ends ${AGENTS_SESSION.minDelayMs} ms after the speech end, else ${AGENTS_SESSION.maxDelayMs} ms`,
          ...pick(lkAgents(lkSet)),
        },
      },
      ...smart.detectors(sets[set] ?? []),
    };
  };

  const detectors = detectorsFor('all');
  const bySet = {
    real: detectorsFor('real'),
    real_with_pauses: detectorsFor('real_with_pauses'),
    synthetic: detectorsFor('synthetic'),
  };

  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const series = (set: string): ChartSeries[] => {
    const out: ChartSeries[] = [
      {
        name: 'silence (Sotto VAD)',
        curve: silenceCurves[set] ?? [],
        at_default: (silenceCurves[set] ?? []).find((c) => c.param === 200),
      },
      {
        name: 'vad-web MicVAD',
        curve: vadWebCurves[set] ?? [],
        at_default: (vadWebCurves[set] ?? []).find((c) => c.param === VAD_WEB_DEFAULTS.redemptionMs),
      },
      { name: 'LiveKit v1-mini', curve: lkCurves[set] ?? [], at_default: lkAtDefault(sets[set] ?? []) },
    ];
    return [...out, ...smart.series(sets[set] ?? [])];
  };
  const charts = await writeTurnsChart(dir, [
    { id: 'all', title: `All turns (${sets.all?.length ?? 0}): false cut-offs vs dead air`, series: series('all') },
    { id: 'real', title: `Real speech (${sets.real?.length ?? 0} turns)`, series: series('real') },
    { id: 'synthetic', title: `Synthetic SSML turns (${sets.synthetic?.length ?? 0})`, series: series('synthetic') },
  ]);

  const n = (k: string): number => sets[k]?.length ?? 0;
  const holds = (k: string): number => (sets[k] ?? []).reduce((s, t) => s + t.holds.length, 0);
  return {
    detectors,
    parity_max_abs_diff: parity.max_abs_diff,
    parity,
    inference_ms_p95: smart.inferenceP95,
    by_set: bySet,
    peers: {
      livekit_v1_mini_inference_ms_p50: percentile(lk.inferenceMs, 0.5),
      livekit_v1_mini_inference_ms_p95: percentile(lk.inferenceMs, 0.95),
      livekit_v1_mini_question_wall_ms_p95: percentile(lkWall, 0.95),
      vad_web_model_ms_p95: percentile(raw.vadWeb.modelMs, 0.95),
      sotto_vad_inference_ms_p95: percentile(main.inferenceMs, 0.95),
    },
    checks: { replay_matches_worker: check, vad_backend: main.ready.backend },
    reality_check: (sets.real_with_pauses ?? []).map((t) => ({
      fixture: t.fixture,
      pauses_ms: t.holds.map((h) => Math.round(((h.end - h.start) / RATE) * 1000)),
      cut_at_silence_200: scoreDecisions([t], silenceDecisions(200), RATE).turns_cut === 1,
      cut_at_silence_500: scoreDecisions([t], silenceDecisions(500), RATE).turns_cut === 1,
    })),
    charts: charts.map((f) => f.slice(root.length)),
    setup: {
      fixtures: manifest.fixtures.length,
      fixture_hash: manifest.hash,
      turns: { all: n('all'), real: n('real'), real_with_pauses: n('real_with_pauses'), synthetic: n('synthetic') },
      holds: { all: holds('all'), real: holds('real'), synthetic: holds('synthetic') },
      audio_seconds: Math.round(raw.samples / RATE),
      endpointer: raw.endpointer,
      model_policy: MODEL_POLICY,
      vad_pauses: pauses.length,
      model_questions: asks.length,
      definitions: {
        false_cutoff_pct:
          'hold pauses with a decision between the pause start and the next pause of the turn (or its end) / hold pauses, %',
        turns_cut_pct: 'turns with any decision before their true end / turns, %',
        dead_air_ms_p50:
          'median over turns of (first decision at or after the true end - the true end); a turn with no decision in its 4 s window counts the window',
        dead_air_ms_at_5pct:
          'lowest dead_air_ms_p50 over the sweep points with false_cutoff_pct <= 5 (null: no sweep point reaches it); at_10pct likewise',
        false_cutoff_pct_at_300ms:
          'lowest false_cutoff_pct over the sweep points with dead_air_ms_p50 <= 300 (null: none); at_600ms likewise',
        compute:
          'decisions are placed at the end of the deciding audio frame; model inference time is not added (reported apart)',
      },
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!existsSync(FIXTURES)) console.log('[bench turns] building fixtures first');
  runTurnsBench()
    .then((r) => {
      console.log(JSON.stringify(r.detectors, (k, v: unknown) => (k === 'curve' ? undefined : v), 2));
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
