// Turn-taking fixtures for `npm run bench -- turns`: one intended turn per file, 16 kHz mono 16-bit, with
// every pause INSIDE the turn labelled "hold" and the end of the turn labelled "shift".
//
//   real_clip_*     every recording of ../shared/audio as it is (its natural internal pauses)
//   real_join_*     recordings of one speaker joined by ordinary 150-700 ms pauses (scripts/turn-fixtures-specs.mjs)
//   real_stretch_*  a recording cut at its longest natural mid-sentence pause, the pause widened to 300-700 ms
//   synth_*         espeak-ng `-m` SSML sentences with <break/> in mid-sentence, several voices and speeds,
//                   clean / pink noise at 15 dB SNR / clicks (in the pauses and after the end)
//
// Ground truth comes from the energy of the CLEAN signal (scripts/vad-truth.mjs; recordings with their noise
// floor): the turn runs from the first to the last speech sample, and every gap between speech segments
// inside it (>= 150 ms, the truth's bridging) is a hold. Noise and clicks are added after the truth.
// Built into .fixtures/turns/ and cached by a hash of the recipe and tool versions (never committed).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  REAL_JOINS,
  REAL_STRETCH_MS,
  SYNTH_SENTENCES,
  SYNTH_VARIANTS,
  SYNTH_VOICES,
  TURN_FIXTURE_RATE as RATE,
  TURN_LEAD_S,
  TURN_TRAIL_S,
} from './turn-fixtures-specs.mjs';
import { energySegments, TRUTH } from './vad-truth.mjs';
import { readWav16, writeWav16 } from './vad-wav.mjs';

export { TURN_FIXTURE_RATE } from './turn-fixtures-specs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const SHARED_AUDIO = process.env.SOTTO_SHARED_AUDIO ?? join(root, '..', 'shared', 'audio');
const RECIPE = ['turn-fixtures.mjs', 'turn-fixtures-specs.mjs', 'vad-truth.mjs', 'vad-wav.mjs'];

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Deterministic PRNG (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seedOf = (name) => createHash('sha256').update(name).digest().readUInt32LE(0);

function rms(x, from = 0, to = x.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

/** A file resampled to 16 kHz mono by sox (no dither: the same on every build). */
function load16k(path, tmp, tag) {
  const out = join(tmp, `${tag}.16k.wav`);
  run('sox', ['-D', path, '-r', String(RATE), '-c', '1', '-b', '16', out]);
  const { samples } = readWav16(out);
  rmSync(out);
  return samples;
}

/** RMS of the quietest 100 ms that is not digital silence (the recording's noise floor). */
function noiseFloor(x) {
  const w = RATE / 10;
  let best = Infinity;
  for (let i = 0; i + w <= x.length; i += w / 4) {
    const r = rms(x, i, i + w);
    if (r > 1e-6) best = Math.min(best, r);
  }
  return Number.isFinite(best) ? best : 1e-4;
}

/** White noise at `level` RMS (a stand-in for room tone where a recording is joined or extended). */
function roomTone(n, level, rand) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * level * Math.sqrt(3);
  return out;
}

function concat(parts) {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The speech span of a recording (energy truth) with 30 ms of margin. */
function speechSpan(x) {
  const segs = energySegments(x, RATE, true);
  if (segs.length === 0) throw new Error('no speech found');
  const m = Math.round(0.03 * RATE);
  return { from: Math.max(0, segs[0].startSample - m), to: Math.min(x.length, segs.at(-1).endSample + m), segs };
}

/** Lead + content + trail, the lead and trail in room tone at the recording's floor. */
function frame(content, floor, rand) {
  return concat([
    roomTone(Math.round(TURN_LEAD_S * RATE), floor, rand),
    content,
    roomTone(Math.round(TURN_TRAIL_S * RATE), floor, rand),
  ]);
}

function realClip(file, tmp) {
  const x = load16k(join(SHARED_AUDIO, file), tmp, 'clip');
  const floor = noiseFloor(x);
  const rand = prng(seedOf(file));
  const { from, to } = speechSpan(x);
  return { clean: frame(x.subarray(from, to), floor, rand), noisy: true };
}

function realJoin(spec, tmp) {
  const clips = spec.files.map((f) => load16k(join(SHARED_AUDIO, f), tmp, 'join'));
  const floor = Math.min(...clips.map(noiseFloor));
  const rand = prng(seedOf(spec.name));
  const parts = [];
  clips.forEach((x, i) => {
    const { from, to } = speechSpan(x);
    if (i > 0) parts.push(roomTone(Math.round(((spec.pausesMs[i - 1] ?? 400) * RATE) / 1000), floor, rand));
    parts.push(x.subarray(from, to));
  });
  return { clean: frame(concat(parts), floor, rand), noisy: true };
}

/** Cut at the longest internal gap (60-150 ms, found at a finer bridging) and widen it to `pauseMs`. */
function realStretch(file, pauseMs, tmp) {
  const x = load16k(join(SHARED_AUDIO, file), tmp, 'stretch');
  const floor = noiseFloor(x);
  const rand = prng(seedOf(`stretch-${file}`));
  const { from, to } = speechSpan(x);
  const fine = energySegments(x, RATE, true, { ...TRUTH, bridgeMs: 60 });
  let gap = null;
  for (let i = 1; i < fine.length; i++) {
    const g = { start: fine[i - 1].endSample, end: fine[i].startSample };
    if (!gap || g.end - g.start > gap.end - gap.start) gap = g;
  }
  // A clip that already has a pause the truth calls a hold is in the set as it is (real_clip_*).
  if (!gap || gap.end - gap.start < 0.06 * RATE || gap.end - gap.start >= (TRUTH.bridgeMs * RATE) / 1000) return null;
  const mid = Math.round((gap.start + gap.end) / 2);
  const add = Math.max(0, Math.round((pauseMs * RATE) / 1000) - (gap.end - gap.start));
  const content = concat([x.subarray(from, mid), roomTone(add, floor, rand), x.subarray(mid, to)]);
  return { clean: frame(content, floor, rand), noisy: true };
}

/** One SSML utterance from espeak-ng, trimmed of its own padding, at -22 dBFS RMS over its speech. */
function synth(text, voice, speed, tmp) {
  const raw = join(tmp, 'say.raw.wav');
  run('espeak-ng', ['-m', '-v', voice, '-s', String(speed), '-w', raw, `<speak>${text}</speak>`]);
  const x = load16k(raw, tmp, 'say');
  rmSync(raw);
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  let a = 0;
  let b = x.length;
  while (a < b && Math.abs(x[a]) < peak * 0.01) a++;
  while (b > a && Math.abs(x[b - 1]) < peak * 0.01) b--;
  const y = x.slice(a, b);
  const segs = energySegments(y, RATE, false);
  let s = 0;
  let n = 0;
  for (const g of segs) {
    for (let i = g.startSample; i < g.endSample; i++) s += y[i] * y[i];
    n += g.endSample - g.startSample;
  }
  const gain = 10 ** (-22 / 20) / Math.sqrt(s / Math.max(1, n));
  for (let i = 0; i < y.length; i++) y[i] *= gain;
  return frame(y, 0, () => 0.5);
}

/** Pink noise (Paul Kellet's filter), unit RMS. */
function pink(n, rand) {
  const out = new Float32Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const w = rand() * 2 - 1;
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    out[i] = b0 + b1 + b2 + w * 0.1848;
  }
  const r = rms(out) || 1;
  for (let i = 0; i < n; i++) out[i] /= r;
  return out;
}

/** A click: a 4 ms decaying oscillation at `amp` peak. */
function addClick(x, at, amp, rand) {
  const n = Math.round(0.004 * RATE);
  for (let i = 0; i < n && at + i < x.length; i++)
    x[at + i] += amp * Math.exp(-i / (n / 4)) * Math.sin(i * (0.9 + rand()));
}

function truthOf(clean, noisy) {
  const segs = energySegments(clean, RATE, noisy);
  if (segs.length === 0) throw new Error('a fixture without speech');
  const holds = [];
  for (let i = 1; i < segs.length; i++)
    holds.push({ startSample: segs[i - 1].endSample, endSample: segs[i].startSample });
  return { startSample: segs[0].startSample, endSample: segs.at(-1).endSample, holds };
}

function* recipes(tmp) {
  const manifest = JSON.parse(readFileSync(join(SHARED_AUDIO, 'manifest.json'), 'utf8'));
  const files = manifest.map((m) => m.file).sort();
  for (const f of files)
    yield { name: `real_clip_${f.replace(/\.wav$/, '')}`, set: 'real', kind: 'clip', build: () => realClip(f, tmp) };
  for (const j of REAL_JOINS)
    yield { name: `real_join_${j.name}`, set: 'real', kind: 'join', build: () => realJoin(j, tmp) };
  let k = 0;
  for (const f of files) {
    const pauseMs = REAL_STRETCH_MS[k % REAL_STRETCH_MS.length];
    k++;
    yield {
      name: `real_stretch_${f.replace(/\.wav$/, '')}`,
      set: 'real',
      kind: 'stretch',
      build: () => realStretch(f, pauseMs, tmp),
    };
  }
  for (const [i, text] of SYNTH_SENTENCES.entries()) {
    for (const c of [0, 1]) {
      const v = SYNTH_VOICES[(i + c) % SYNTH_VOICES.length];
      for (const variant of SYNTH_VARIANTS) {
        yield {
          name: `synth_${i}_${v.voice.replace(/[^a-z0-9]+/gi, '')}_${v.speed}_${variant}`,
          set: 'synthetic',
          kind: variant,
          build: () => ({ clean: synth(text, v.voice, v.speed, tmp), noisy: false, variant }),
        };
      }
    }
  }
}

function finish(name, clean, noisy, variant) {
  const turn = truthOf(clean, noisy);
  const x = clean.slice();
  const rand = prng(seedOf(`mix-${name}`));
  if (variant === 'noise') {
    const n = pink(x.length, rand);
    const level = rms(clean, turn.startSample, turn.endSample) * 10 ** (-15 / 20);
    for (let i = 0; i < x.length; i++) x[i] += n[i] * level;
  } else if (variant !== undefined) {
    for (let i = 0; i < x.length; i++) x[i] += (rand() * 2 - 1) * 1e-3 * Math.sqrt(3);
  }
  if (variant === 'clicks') {
    const at = [
      ...turn.holds.map((h) => Math.round((h.startSample + h.endSample) / 2)),
      turn.endSample + Math.round(0.3 * RATE),
      turn.endSample + Math.round(1.1 * RATE),
    ];
    for (const a of at) addClick(x, a, 0.5, rand);
  }
  return { samples: x, turn };
}

/**
 * Builds the turn fixtures into `dir` unless the recipe and tool versions are unchanged. Returns true when
 * it built anything.
 * @param {string} dir
 * @param {{ log: (msg: string) => void }} opts
 */
export function buildTurnFixtures(dir, { log }) {
  const tools = {
    espeak: execFileSync('espeak-ng', ['--version'], { encoding: 'utf8' }).trim(),
    sox: execFileSync('sox', ['--version'], { encoding: 'utf8' }).trim(),
  };
  const script = RECIPE.map((f) => readFileSync(join(here, f), 'utf8')).join('\n');
  const audio = readFileSync(join(SHARED_AUDIO, 'manifest.json'), 'utf8');
  const hash = createHash('sha256').update(JSON.stringify({ tools, script, audio })).digest('hex').slice(0, 16);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (old.hash === hash && old.fixtures.every((f) => existsSync(join(dir, f.file)))) return false;
  }
  log('generating the turn-taking fixtures (real recordings + espeak-ng SSML turns)');
  const tmp = join(dir, '.partial');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const manifest = { hash, rate: RATE, truth: TRUTH, fixtures: [] };
    for (const r of recipes(tmp)) {
      const built = r.build();
      if (!built) continue;
      const { samples, turn } = finish(r.name, built.clean, built.noisy, built.variant);
      if (r.kind === 'stretch' && turn.holds.length === 0) continue;
      const file = `${r.name}.wav`;
      writeWav16(join(tmp, file), samples, RATE);
      manifest.fixtures.push({ name: r.name, file, set: r.set, kind: r.kind, samples: samples.length, turn });
    }
    for (const f of manifest.fixtures) renameSync(join(tmp, f.file), join(dir, f.file));
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(root, '.fixtures', 'turns');
  buildTurnFixtures(dir, { log: (m) => console.log(`[turn-fixtures] ${m}`) });
}
