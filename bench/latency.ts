/**
 * `npm run bench -- latency`: the latency lab (issue 8). Voice-to-voice latency of Sotto against baselines,
 * measured in the same run on the same audio, with ground truth on the page's AudioContext clock.
 *
 * How: livekit-server + the agent worker (`echo` brain) + the demo page on loopback. For each configuration
 * a fresh Chromium plays the 22-turn `latency` fixture on its fake mic (four turns talk over the reply) into
 * the demo page with `?lab=latency`; the page's probe (demo/lab/latency-probe.ts) records the mic as the
 * audio graph hears it, the output tap, replies and decisions. bench/latency-analyse.ts puts the clean
 * fixture's true speech boundaries on that clock and measures every turn.
 *
 * Configurations: `sotto` (client endpointing, the SDK's defaults), `sotto_eager` (speculative commit at
 * `turn_ending`), `server_vad` (no client endpointing: the server's VAD with OpenAI's defaults, 500 ms
 * silence, 300 ms prefix — what a plain LiveKit/Realtime client gets), `peer_vad_web` (turns ended by
 * @ricky0123/vad-web's MicVAD with its defaults).
 *
 * Network conditions: clean loopback here; `npm run bench -- latency-net` (bench/latency-net.ts) runs the lab
 * through the impairment relay (scripts/netem/) under loss, delay and jitter and writes `conditions`.
 *
 * Writes bench/results/latency.json (through scripts/bench.ts), latency.html and PNG charts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from '@playwright/test';
import { launchChromium } from '../e2e/browser.ts';
import { startAgent } from '../scripts/stack/agent.ts';
import { startDemo } from '../scripts/stack/demo.ts';
import { freeTcpPort, freeUdpPort, startLivekit } from '../scripts/stack/index.ts';
import { energySegments } from '../scripts/vad-truth.mjs';
import { percentile } from '../src/metrics/percentile.ts';
import { parseWav } from '../src/offline/tts/wav.ts';
import { Resampler } from '../src/audio/resampler.ts';
import { analyseRun, type TurnResult, type Utterance } from './latency-analyse.ts';
import { receiverStats, trackPeerConnections, type ReceiverStats } from './latency-webrtc.ts';
import { writeLatencyReport, type ConfigSummary } from './latency-report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface Config {
  name: string;
  what: string;
  params: Record<string, string>;
}

export const CONFIGS: Config[] = [
  { name: 'sotto', what: 'client endpointing, defaults', params: { endpointing: 'client' } },
  { name: 'sotto_eager', what: 'client endpointing, eager', params: { endpointing: 'client', eagerness: 'eager' } },
  {
    name: 'sotto_smart_turn',
    what: "client endpointing, turnDetector 'smart-turn' (the end-of-turn model in the loop)",
    params: { endpointing: 'client', turnDetector: 'smart-turn' },
  },
  { name: 'server_vad', what: "server VAD, OpenAI's defaults", params: { endpointing: 'server' } },
  { name: 'peer_vad_web', what: '@ricky0123/vad-web MicVAD defaults', params: { endpointing: 'peer' } },
];

/** The fixture (110 s) plus connection and reply time. */
const RUN_TIMEOUT_MS = 180_000;

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: readonly number[], p: number): number | null => (xs.length ? round(percentile(xs, p)) : null);

export interface Fixture {
  samples16k: Float32Array;
  utterances: Utterance[];
}

/** The `latency` fixture at 16 kHz and its utterances' true boundaries (energy of the clean signal). */
export function loadFixture(): Fixture {
  const manifest = JSON.parse(readFileSync(join(root, '.fixtures', 'manifest.json'), 'utf8')) as {
    fixtures: Record<string, { file: string; speech: { text: string; startSample: number; endSample: number }[] }>;
  };
  const entry = manifest.fixtures.latency;
  if (!entry) throw new Error('the latency fixture is missing: run npm run setup');
  const wav = parseWav(readFileSync(join(root, '.fixtures', entry.file)));
  const x48 = new Float32Array(wav.pcm.length);
  for (let i = 0; i < x48.length; i++) x48[i] = (wav.pcm[i] ?? 0) / 32768;
  const ratio = wav.sampleRate / 16_000;
  const utterances = entry.speech.map((s) => {
    const segs = energySegments(x48.subarray(s.startSample, s.endSample), wav.sampleRate) as {
      startSample: number;
      endSample: number;
    }[];
    const first = segs[0];
    const last = segs.at(-1);
    if (!first || !last) throw new Error(`no speech found in "${s.text}"`);
    return {
      text: s.text,
      start: Math.round((s.startSample + first.startSample) / ratio),
      end: Math.round((s.startSample + last.endSample) / ratio),
    };
  });
  const r = new Resampler({ inputRate: wav.sampleRate, outputRate: 16_000 });
  const out = new Float32Array(r.maxOutputFrames(x48.length) + r.taps);
  let n = r.process(x48, out);
  n += r.flush(out.subarray(n));
  return { samples16k: out.slice(0, n), utterances };
}

export interface RawRun {
  turns: TurnResult[];
  stages: Record<string, number | null>;
  errors: { code: string; message: string }[];
  replies: number;
  events: { type: string; time: number }[];
  /** The session's own stages per turn (ms), in the order it reported them. */
  sessionTurns: { turnId: string; stages: Record<string, number | undefined> }[];
  /** The agent's track as the page's WebRTC stack received it (getStats at the end of the run). */
  receiver: ReceiverStats | null;
  /**
   * Replies played locally (the WebSocket transport): how often a playing reply ran dry waiting for the
   * network. Null for transports whose audio arrives as a WebRTC track (see `receiver`).
   */
  playback?: { underruns: number } | null;
}

export async function runConfig(browser: Browser, demoUrl: string, fx: Fixture, c: Config, n: number): Promise<RawRun> {
  const page = await browser.newPage();
  await trackPeerConnections(page);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  try {
    const u = new URL(demoUrl);
    for (const [k, v] of Object.entries({
      lab: 'latency',
      fallback: 'off',
      room: `lab-${c.name}-${String(n)}`,
      ...c.params,
    })) {
      u.searchParams.set(k, v);
    }
    await page.goto(u.toString());
    await page.click('#connect');
    await page.waitForFunction(() => (window as unknown as { latencyProbe?: unknown }).latencyProbe, null, {
      timeout: 30_000,
    });
    // The fixture plays from the mic's opening: wait for it to end and the last reply to play.
    const fixtureMs = (fx.samples16k.length / 16_000) * 1000;
    await page.waitForTimeout(Math.min(RUN_TIMEOUT_MS, fixtureMs + 2000));
    const dump = await page.evaluate(() =>
      (
        window as unknown as { latencyProbe: { dump(): import('../demo/lab/latency-probe.ts').ProbeDump } }
      ).latencyProbe.dump(),
    );
    if (problems.length > 0) throw new Error(`the page failed: ${problems.join('; ')}`);
    const receiver = await receiverStats(page);
    const playback = await page.evaluate(() => {
      const t = (
        window as unknown as {
          sottoDemo?: { session?: { remoteTransport?: { playbackStats?: () => { underruns: number } } | null } | null };
        }
      ).sottoDemo?.session?.remoteTransport;
      return t?.playbackStats?.() ?? null;
    });
    const bytes = Buffer.from(dump.samples, 'base64');
    const samples = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const turns = analyseRun(fx.samples16k, fx.utterances, { ...dump, samples });
    // The session's own stage split (its endpointer's speech end, not the truth) for the waterfall.
    const stageNames = ['endpointing', 'commit', 'server_ack', 'first_audio', 'playout', 'voice_to_voice'];
    const stages: Record<string, number | null> = {};
    for (const s of stageNames) {
      stages[s] = pct(
        dump.metrics.map((m) => m.stages[s]).filter((x): x is number => x !== undefined),
        50,
      );
    }
    // A connect() that failed never reached the probe's session: the page's own error list says why.
    const pageErrors = await page.evaluate(
      () =>
        (window as unknown as { sottoDemo?: { errors?: { code: string; message: string }[] } }).sottoDemo?.errors ?? [],
    );
    const seen = new Set(dump.errors.map((e) => `${e.code}:${e.message}`));
    return {
      turns,
      stages,
      errors: [...dump.errors, ...pageErrors.filter((e) => !seen.has(`${e.code}:${e.message}`))],
      replies: dump.replies.length,
      events: dump.events,
      sessionTurns: dump.metrics.map((m) => ({ turnId: m.turnId, stages: m.stages })),
      receiver,
      playback,
    };
  } finally {
    await page.close();
  }
}

export function summarise(c: Config, condition: string, r: RawRun): ConfigSummary {
  const v2v = r.turns.map((t) => t.v2vMs).filter((x): x is number => x !== null);
  const ep = r.turns.map((t) => t.endpointMs).filter((x): x is number => x !== null);
  const barge = r.turns.map((t) => t.bargeInSilenceMs).filter((x): x is number => x !== null);
  return {
    config: c.name,
    what: c.what,
    condition,
    turns: v2v.length,
    utterances: r.turns.length,
    v2v_ms_p50: pct(v2v, 50),
    v2v_ms_p95: pct(v2v, 95),
    endpoint_ms_p50: pct(ep, 50),
    endpoint_ms_p95: pct(ep, 95),
    bargein_silence_ms_p50: pct(barge, 50),
    bargein_silence_ms_p95: pct(barge, 95),
    bargeins: barge.length,
    after_endpoint_ms_p50: v2v.length && ep.length ? round((pct(v2v, 50) ?? 0) - (pct(ep, 50) ?? 0)) : null,
    session_stages_ms_p50: r.stages,
    // The session's own stage split of every turn (diagnostics: which stage a slow turn spent its time in).
    session_turns: r.sessionTurns.map((t) => ({
      turn: t.turnId,
      ...Object.fromEntries(Object.entries(t.stages).map(([k, v]) => [k, v === undefined ? null : round(v)])),
    })),
    align_score_min: r.turns.length ? Math.min(...r.turns.map((t) => t.alignScore)) : null,
    errors: r.errors,
    receiver: r.receiver,
    per_turn: r.turns,
    // Session events around each barge-in onset (diagnostics): type@ms relative to the true onset.
    bargein_events: r.turns
      .filter((t) => t.bargeInSilenceMs !== null && t.start !== null)
      .map((t) => ({
        index: t.index,
        events: r.events
          .filter((e) => t.start !== null && e.time > t.start - 0.2 && e.time < t.start + 1.5)
          .map((e) => `${e.type}@${String(Math.round((e.time - (t.start ?? 0)) * 1000))}`),
      })),
  };
}

/** The median delay from a barge-in's true onset to the session's `speech_start`, from the diagnostics. */
function onsetLag(s: ConfigSummary | undefined): string {
  const lags = (s?.bargein_events ?? [])
    .map((b) => b.events.find((e) => e.startsWith('speech_start@')))
    .map((e) => Number(e?.split('@')[1]))
    .filter((x) => Number.isFinite(x));
  return lags.length ? `${String(pct(lags, 50))} ms (median; ${lags.join(', ')} ms)` : 'n/a';
}

/** Targets of issue 8, with how far each is off and the stage that holds it. */
export function targets(all: ConfigSummary[]): Record<string, unknown>[] {
  const get = (name: string): ConfigSummary | undefined =>
    all.find((s) => s.config === name && s.condition === 'clean');
  const sotto = get('sotto');
  const eager = get('sotto_eager');
  const server = get('server_vad');
  const hold = (s: ConfigSummary | undefined): string => {
    if (!s) return 'n/a';
    const wait = s.endpoint_ms_p50 ?? 0;
    const after = s.after_endpoint_ms_p50 ?? 0;
    return wait >= after
      ? `endpointing (true end to decision, p50 ${String(wait)} ms)`
      : `after the decision (commit, server, network, jitter buffer, playout: p50 ${String(after)} ms)`;
  };
  const row = (target: string, value: number | null | undefined, limit: number, s: ConfigSummary | undefined) => ({
    target,
    value: value ?? null,
    limit,
    met: value !== null && value !== undefined && value <= limit,
    off_by_ms: value === null || value === undefined ? null : round(Math.max(0, value - limit)),
    held_by: value !== null && value !== undefined && value > limit ? hold(s) : null,
  });
  const ratio = sotto?.v2v_ms_p50 && server?.v2v_ms_p50 ? round(sotto.v2v_ms_p50 / server.v2v_ms_p50, 3) : null;
  return [
    row('sotto v2v p50 <= 350 ms', sotto?.v2v_ms_p50, 350, sotto),
    row('sotto v2v p95 <= 450 ms', sotto?.v2v_ms_p95, 450, sotto),
    row('sotto_eager v2v p50 <= 250 ms', eager?.v2v_ms_p50, 250, eager),
    { ...row('sotto p50 <= 0.5 x server_vad p50', ratio, 0.5, sotto), off_by_ms: null, ratio },
    {
      ...row('barge-in: silent <= 120 ms after the true onset, p95 (sotto)', sotto?.bargein_silence_ms_p95, 120, sotto),
      // The duck acts within a render quantum of the decision; what comes before it is the VAD's onset.
      held_by:
        (sotto?.bargein_silence_ms_p95 ?? 0) > 120
          ? `onset detection: the first speech frame reaches the page ${onsetLag(sotto)} after the true onset (Silero needs a frame or more of a soft onset), then the duck`
          : null,
    },
  ];
}

export async function runLatencyBench(): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const fx = loadFixture();
  const stack = await startLabStack('bench-latency');
  try {
    const demo = stack.demo;
    const summaries: ConfigSummary[] = [];
    let n = 0;
    // SOTTO_LAB_CONFIGS=sotto,server_vad runs a subset (for quick iterations; the full lab runs all).
    const only = process.env.SOTTO_LAB_CONFIGS?.split(',').filter(Boolean);
    for (const c of CONFIGS.filter((x) => !only || only.includes(x.name))) {
      const browser = await launchChromium({ wav: join(root, '.fixtures', 'latency.wav') });
      try {
        const raw = await runConfig(browser, demo.url, fx, c, n++);
        const s = summarise(c, 'clean', raw);
        summaries.push(s);
        console.log(
          `${c.name}: v2v p50 ${String(s.v2v_ms_p50)} / p95 ${String(s.v2v_ms_p95)} ms over ${String(s.turns)} turns; endpoint p50 ${String(s.endpoint_ms_p50)} ms; barge-in p95 ${String(s.bargein_silence_ms_p95)} ms`,
        );
      } finally {
        await browser.close();
      }
    }
    const result = {
      schema:
        'configs[]: one entry per configuration and network condition: v2v_ms_p50|p95 (first audible reply sample - true speech end), endpoint_ms_p50|p95 (decision at the page - true speech end), bargein_silence_ms_p50|p95 (last heard sample of the interrupted reply - true onset of the interrupting utterance), turns (utterances with a measured reply), per_turn[]; targets[]; conditions; see docs/latency-lab.md',
      // The impaired conditions come from `npm run bench -- latency-net` (bench/latency-net.ts), which
      // writes them here; a rerun of this bench keeps the last ones.
      conditions: previousConditions() ?? {
        clean: 'loopback, no impairment',
        note: 'impaired conditions: npm run bench -- latency-net',
      },
      configs: summaries,
      targets: targets(summaries),
      setup: {
        fixture: `.fixtures/latency.wav: ${String(fx.utterances.length)} utterances (espeak-ng, two voices), 3.6 s gaps, four utterances 1.6 s after the previous one (over its reply)`,
        clock:
          'AudioContext time on the page: mic samples as the audio graph hears them (capture ring with clock anchors), agent samples at the output tap (before the output device latency)',
        truth:
          'true speech boundaries from the energy of the clean fixture (scripts/vad-truth.mjs), found in the recording by envelope then waveform correlation (bench/latency-align.ts)',
        machine_note: 'livekit-server, the agent worker and Chromium share this 2-core machine',
      },
      wall_s: round((performance.now() - t0) / 1000),
    };
    await writeLatencyReport(join(root, 'bench', 'results'), result);
    return result;
  } finally {
    await stack.stop();
  }
}

/** The `conditions` block of bench/results/latency.json as latency-net last wrote it (null if none). */
function previousConditions(): Record<string, unknown> | null {
  try {
    const prev = JSON.parse(readFileSync(join(root, 'bench', 'results', 'latency.json'), 'utf8')) as {
      results?: { conditions?: Record<string, unknown> };
    };
    const c = prev.results?.conditions;
    return c && typeof c.run === 'object' ? c : null;
  } catch {
    return null;
  }
}

export interface LabStack {
  demo: { url: string; port: number };
  livekitPort: number;
  rtcPort: number;
  /** Stops the agent worker and starts a new one with these extra environment variables. */
  restartAgent(env: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** livekit-server, the agent worker (`echo` brain) and the demo page on free loopback ports. */
export async function startLabStack(name: string): Promise<LabStack> {
  const runDir = join(root, 'test-results', `${name}-${String(process.pid)}`);
  const livekitPort = await freeTcpPort();
  const rtcPort = await freeUdpPort();
  const livekit = await startLivekit({ root, runDir, port: livekitPort, rtcPort });
  const keys = { livekitUrl: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
  let agent: { stop(): Promise<void> } | null = null;
  let demo: { url: string; stop(): Promise<void> } | null = null;
  const stop = async (): Promise<void> => {
    for (const s of [demo, agent, livekit]) await s?.stop().catch(() => undefined);
  };
  try {
    agent = await startAgent({ root, runDir, ...keys });
    const demoPort = await freeTcpPort();
    demo = await startDemo({
      root,
      port: demoPort,
      ...keys,
      watch: false,
      extraDeps: { include: ['@ricky0123/vad-web'], cacheName: 'bench-latency' },
    });
    const url = demo.url;
    return {
      demo: { url, port: demoPort },
      livekitPort,
      rtcPort,
      async restartAgent(env) {
        await agent?.stop();
        agent = null;
        const saved = { ...process.env };
        Object.assign(process.env, env);
        try {
          agent = await startAgent({ root, runDir, ...keys });
        } finally {
          for (const k of Object.keys(env)) {
            if (saved[k] === undefined) Reflect.deleteProperty(process.env, k);
            else process.env[k] = saved[k];
          }
        }
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
