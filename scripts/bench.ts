/**
 * `npm run bench` runs every benchmark; `npm run bench -- audio vad` runs the named ones. Each writes
 * `bench/results/<name>.json` with the machine it ran on, when, how long it took, and its results.
 * Benchmarks compare against a baseline measured in the same run; targets are reported, not asserted
 * as timed unit tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { calibrate, loadNow } from './bench-calibration.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface BenchEntry {
  /** Module under bench/, relative to the repo root. */
  module: string;
  /** Name of its exported `async () => Record<string, unknown>`. */
  run: string;
  what: string;
}

/** Every benchmark, in the order `npm run bench` runs them. */
const BENCHES: Record<string, BenchEntry> = {
  audio: { module: 'bench/audio.ts', run: 'runAudioBench', what: 'resampler, capture latency, jitter buffer, flush' },
  vad: { module: 'bench/vad.ts', run: 'runVadBench', what: 'Silero VAD + endpointer vs @ricky0123/vad-web' },
  'barge-hint': {
    module: 'bench/barge-hint.ts',
    run: 'runBargeHintBench',
    what: 'barge-in hints: Silero alone vs the level hint, on synthetic and real onsets',
  },
  server: { module: 'bench/server.ts', run: 'runServerBench', what: 'agent server latency and cost under load' },
  scale: {
    module: 'bench/scale.ts',
    run: 'runScaleBench',
    what: 'capacity: concurrent sessions per worker (knee), start cost, a 10-room burst',
  },
  latency: {
    module: 'bench/latency.ts',
    run: 'runLatencyBench',
    what: 'voice-to-voice in Chromium: sotto, sotto_eager vs server_vad and @ricky0123/vad-web',
  },
  coldstart: {
    module: 'bench/coldstart.ts',
    run: 'runColdstartBench',
    what: 'cold start: time to ready, VAD lag, turn 1-3 vs steady v2v; demo and minimal page, idle and a CPU hog',
  },
  turns: {
    module: 'bench/turns.ts',
    run: 'runTurnsBench',
    what: 'turn-taking: false cut-offs vs dead air for silence, vad-web, LiveKit v1-mini (Smart Turn, Sotto when landed)',
  },
  'latency-net': {
    module: 'bench/latency-net.ts',
    run: 'runLatencyNetBench',
    what: 'the latency lab under loss, delay and jitter (Chromium in a namespace, the scripts/netem relay)',
  },
  transports: {
    module: 'bench/transports.ts',
    run: 'runTransportsBench',
    what: 'LiveKit-WebRTC vs plain WebRTC vs WebSocket under clean, jitter and loss (the scripts/netem relay)',
  },
  chaos: {
    module: 'bench/chaos.ts',
    run: 'runChaosBench',
    what: 'faults against the real stack (server kill, 30 s outage, removal, offline, job kill, freeze) x fallback auto/off',
  },
  bundle: {
    module: 'bench/bundle.ts',
    run: 'runBundleBench',
    what: 'npm package cost: SDK JS, connect-only page JS + wasm, consumer node_modules vs livekit-client, vad-web',
  },
  interop: {
    module: 'bench/interop.ts',
    run: 'runInteropBench',
    what: "Sotto's client vs stock LiveKit Agents voice agents, Node and Python, in the same run (state, transcripts, barge-in, v2v)",
  },
  offline: {
    module: 'bench/offline.ts',
    run: 'runOfflineBench',
    what: 'on-device fallback: failover, local voice-to-voice, ASR WER/RTF (vs Whisper base), TTS',
  },
};

async function runOne(name: string, entry: BenchEntry): Promise<boolean> {
  const started = new Date();
  const loadBefore = loadNow();
  const calibration = calibrate();
  const t0 = performance.now();
  console.log(`\n=== bench ${name}: ${entry.what} ===`);
  try {
    const mod = (await import(pathToFileURL(join(root, entry.module)).href)) as Record<string, unknown>;
    const fn = mod[entry.run];
    if (typeof fn !== 'function') throw new Error(`${entry.module} does not export ${entry.run}()`);
    const results = (await (fn as () => Promise<Record<string, unknown>>)()) satisfies Record<string, unknown>;
    const out = {
      bench: name,
      started: started.toISOString(),
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30) },
      node: process.version,
      // Machines differ 2x from day to day: every figure below is comparable only next to these.
      load: { before: loadBefore, after: loadNow() },
      calibration,
      results,
    };
    const dir = join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.json`);
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`bench ${name}: wrote ${file} (${out.seconds} s)`);
    return true;
  } catch (e) {
    console.error(`bench ${name} failed:`, e);
    return false;
  }
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  const names = asked.length > 0 ? asked : Object.keys(BENCHES);
  let failed = 0;
  for (const name of names) {
    const entry = BENCHES[name];
    if (entry && !(await runOne(name, entry))) failed++;
  }
  process.exit(failed > 0 ? 1 : 0);
}

void main();
