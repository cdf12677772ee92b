/**
 * Barge-in hints (Node, the real Silero on onnxruntime-node, the SDK's Endpointer and level code): how
 * soon the agent can be ducked when the user starts talking over it, by Silero's first frame at the
 * duck threshold (0.35, the baseline) and by the level hint (`duckRiseDb`: two hops in a row that many dB
 * over the noise floor), and what the level hint costs in ducks that no speech follows.
 *
 * - `synthetic`: the latency lab's 22 sentences in its two voices, each after 1 s of digital silence, at
 *   8 phases of the 16 ms hop. Delay = end of the hinting frame - true onset (first sample above
 *   -60 dBFS): what the duck waits for before the worker's and the page's own latency.
 * - `real`: the 22 recordings of ../shared/audio. For every onset the Endpointer confirms, how much
 *   earlier the first hint comes with the level hint than with Silero alone (`lead_ms`); and the level
 *   hints outside turns that no frame >= 0.5 follows within 200 ms (`unbacked_per_min`): each would duck
 *   an agent that is talking for up to `interruptConfirmMs` (200 ms) for nothing.
 *
 * Numbers, not assertions. `npm run bench -- barge-hint`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { percentile } from '../src/metrics/percentile.ts';
import { BARGE_IN_DEFAULTS, BargeIn } from '../src/session/barge-in.ts';
import { SESSION_ENDPOINTER_DEFAULTS } from '../src/session/options.ts';
import { Endpointer } from '../src/vad/endpointer.ts';
import { resolveEndpointerOptions } from '../src/vad/endpointer-options.ts';
import { nodeSilero } from '../src/vad/node-runtime.test-util.ts';
import { SILERO_FRAME_SAMPLES as FRAME, SILERO_HOP_SAMPLES as HOP } from '../src/vad/silero.ts';
import { SHARED_AUDIO } from '../src/offline/node-models.test-util.ts';
import { load16k } from './asr-node.ts';

const RATE = 16_000;
const RISES_DB = [12, 15, 18, 21, 24];
const SILERO_HINT = BARGE_IN_DEFAULTS.duckThreshold;
interface Segment {
  say?: string;
  voice?: string;
  speed?: number;
}

/** The latency lab's sentences with their voice and speed (scripts/fixtures.mjs, `latency`). */
async function labSentences(): Promise<{ say: string; voice: string; speed: number }[]> {
  const url = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'fixtures.mjs')).href;
  const mod = (await import(url)) as { FIXTURES: { latency: Segment[] } };
  return mod.FIXTURES.latency.flatMap((g) =>
    g.say === undefined ? [] : [{ say: g.say, voice: g.voice ?? 'en-us', speed: g.speed ?? 150 }],
  );
}

type Vad = Awaited<ReturnType<typeof nodeSilero>>;

/** Per frame (index k ends at sample k·HOP + FRAME): probability, rise of the newest hop, endpointer phase. */
interface Track {
  p: number[];
  rise: number[];
  inTurn: boolean[];
  /** Frame indices of confirmed onsets (the onset frame). */
  onsets: number[];
}

async function track(vad: Vad, x: Float32Array, from = 0): Promise<Track> {
  vad.reset();
  // The geometry the VAD worker gives it: 512-sample frames every 256 samples.
  const ep = new Endpointer({ ...SESSION_ENDPOINTER_DEFAULTS, frameSamples: FRAME, hopSamples: HOP });
  const frame = new Float32Array(FRAME);
  const t: Track = { p: [], rise: [], inTurn: [], onsets: [] };
  for (let s = from; s + FRAME <= x.length; s += HOP) {
    frame.set(x.subarray(s, s + FRAME));
    const p = await vad.process(frame);
    t.p.push(p);
    t.inTurn.push(ep.phase === 'turn');
    const ev = ep.process(p, s, s / RATE, frame);
    t.rise.push(ep.riseDb);
    if (ev?.type === 'speech_start') t.onsets.push(t.p.length - 1 - Math.round((s - ev.onsetSample) / HOP));
  }
  return t;
}

const THRESHOLDS = (() => {
  const o = resolveEndpointerOptions({ ...SESSION_ENDPOINTER_DEFAULTS, frameSamples: FRAME, hopSamples: HOP });
  return { positive: o.positiveThreshold, negative: o.negativeThreshold };
})();

/**
 * First frame index in `[from, to)` at which the session's {@link BargeIn} ducks an agent that is
 * audible from `from` on: on Silero's hint, and on the level hint at `rise` dB (null: Silero alone); -1
 * when it does not.
 */
function firstHint(t: Track, from: number, to: number, rise: number | null): number {
  const hit = { ducked: false };
  const b = new BargeIn({ duckRiseDb: rise ?? Number.POSITIVE_INFINITY }, THRESHOLDS, {
    duck: () => (hit.ducked = true),
    restore: () => undefined,
    confirm: () => undefined,
  });
  // From the frame before `from` (the agent not audible yet): a level hint needs two frames in a row.
  for (let k = Math.max(from - 1, 0); k < Math.min(to, t.p.length); k++) {
    b.frame((k * HOP) / RATE, t.p[k] ?? 0, FRAME / RATE, k >= from, t.rise[k]);
    if (hit.ducked) return k;
  }
  return -1;
}

const stats = (v: number[]) => ({
  p50: Math.round(percentile(v, 50) * 10) / 10,
  p95: Math.round(percentile(v, 95) * 10) / 10,
  max: Math.round(Math.max(...v) * 10) / 10,
  n: v.length,
});

async function synthetic(vad: Vad): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-barge-hint-'));
  const delays: Record<string, number[]> = { silero: [] };
  for (const r of RISES_DB) delays[`level_${String(r)}db`] = [];
  const worst: Record<string, { text: string; ms: number }> = {};
  try {
    for (const { say, voice, speed } of await labSentences()) {
      const raw = join(dir, 'raw.wav');
      const wav = join(dir, 's.wav');
      execFileSync('espeak-ng', ['-v', voice, '-s', String(speed), '-w', raw, say]);
      execFileSync('sox', [raw, '-r', String(RATE), '-c', '1', '-b', '16', wav, 'pad', '1.0', '0.3']);
      const x = load16k(wav);
      let onset = 0;
      while (onset < x.length && Math.abs(x[onset] ?? 0) < 0.001) onset++;
      for (let phase = 0; phase < HOP; phase += HOP / 8) {
        const t = await track(vad, x, phase);
        const endMs = (k: number): number => ((phase + k * HOP + FRAME - onset) / RATE) * 1000;
        const fromK = Math.max(0, Math.floor((onset - phase - FRAME) / HOP));
        const toK = fromK + 40;
        for (const key of Object.keys(delays)) {
          const rise = key === 'silero' ? null : Number(key.slice(6, -2));
          const k = firstHint(t, fromK, toK, rise);
          const ms = k < 0 ? 640 : Math.max(0, endMs(k));
          delays[key]?.push(ms);
          const w = worst[key];
          if (!w || ms > w.ms) worst[key] = { text: `${say} (${voice}, phase ${String(phase)})`, ms };
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Object.fromEntries(Object.entries(delays).map(([k, v]) => [k, { delay_ms: stats(v), worst: worst[k] }]));
}

async function real(vad: Vad): Promise<Record<string, unknown>> {
  const files = (JSON.parse(readFileSync(join(SHARED_AUDIO, 'manifest.json'), 'utf8')) as { file: string }[]).map(
    (e) => e.file,
  );
  let seconds = 0;
  let onsets = 0;
  const lead: Record<number, number[]> = {};
  const unbacked: Record<number, number> = {};
  for (const r of RISES_DB) {
    lead[r] = [];
    unbacked[r] = 0;
  }
  for (const f of files) {
    const x = load16k(join(SHARED_AUDIO, f));
    seconds += x.length / RATE;
    const t = await track(vad, x);
    for (const on of t.onsets) {
      onsets++;
      const from = Math.max(0, on - 6); // a hint up to ~100 ms before the onset frame belongs to it
      const base = firstHint(t, from, on + 20, null);
      for (const r of RISES_DB) {
        const k = firstHint(t, from, on + 20, r);
        if (base >= 0 && k >= 0) lead[r]?.push((base - k) * (HOP / RATE) * 1000);
      }
    }
    const backedWithin = Math.round(0.2 / (HOP / RATE));
    // The raw level trigger (two hops in a row at `r`), before BargeIn's guard turns it off.
    for (const r of RISES_DB) {
      let last = -1000;
      for (let k = 1; k < t.p.length; k++) {
        if (t.inTurn[k] || k - last < backedWithin) continue;
        if ((t.rise[k] ?? -99) < r || (t.rise[k - 1] ?? -99) < r) continue;
        let backed = false;
        for (let j = k; j < Math.min(t.p.length, k + backedWithin); j++) if ((t.p[j] ?? 0) >= 0.5) backed = true;
        if (!backed) {
          unbacked[r] = (unbacked[r] ?? 0) + 1;
          last = k;
        }
      }
    }
  }
  return {
    recordings: files.length,
    seconds: Math.round(seconds),
    onsets,
    by_rise_db: Object.fromEntries(
      RISES_DB.map((r) => [
        `${String(r)}db`,
        {
          lead_ms: stats(lead[r] ?? []),
          earlier_by_32ms_or_more: (lead[r] ?? []).filter((v) => v >= 32).length,
          unbacked: unbacked[r],
          unbacked_per_min: Math.round(((unbacked[r] ?? 0) / seconds) * 60 * 10) / 10,
        },
      ]),
    ),
  };
}

export async function runBargeHintBench(): Promise<Record<string, unknown>> {
  const vad = await nodeSilero(2);
  try {
    const syn = await synthetic(vad);
    const rec = await real(vad);
    const d = BARGE_IN_DEFAULTS.duckRiseDb;
    const s = syn as Record<string, { delay_ms: { p95: number } }>;
    console.log(
      `synthetic onsets: hint delay p95 ${String(s.silero?.delay_ms.p95)} ms by Silero alone, ${String(s[`level_${String(d)}db`]?.delay_ms.p95)} ms with the level hint at ${String(d)} dB`,
    );
    const r = (rec.by_rise_db as Record<string, { unbacked_per_min: number; lead_ms: { p50: number } }>)[
      `${String(d)}db`
    ];
    console.log(
      `real recordings: lead p50 ${String(r?.lead_ms.p50)} ms, unbacked level hints ${String(r?.unbacked_per_min)}/min`,
    );
    return {
      defaults: { duckThreshold: SILERO_HINT, duckRiseDb: d, endpointer: SESSION_ENDPOINTER_DEFAULTS },
      synthetic: syn,
      real: rec,
    };
  } finally {
    await vad.release();
  }
}
