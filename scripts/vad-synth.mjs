// Synthesis of one VAD fixture: speech from espeak-ng (resampled with sox), hesitation pauses, noise from
// sox at a set SNR, clicks, bursts and knocks; real recordings from ../shared/audio; and the ground truth
// of each file (scripts/vad-truth.mjs). Node built-ins, espeak-ng and sox only.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LEAD, DEFAULT_LEVEL_DB, DEFAULT_TRAIL, VAD_FIXTURE_RATE } from './vad-fixture-specs.mjs';
import { energySegments, TRUTH } from './vad-truth.mjs';
import { readWav16 } from './vad-wav.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Real recordings (16 kHz) used as-is, resampled; see ../shared/audio/README.md for their licences. */
const SHARED_AUDIO = process.env.SOTTO_SHARED_AUDIO ?? join(root, '..', 'shared', 'audio');

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

function seedOf(name) {
  return createHash('sha256').update(name).digest().readUInt32LE(0);
}

function rms(x, from = 0, to = x.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Noise from sox (`synth whitenoise|pinknoise`, repeatable mode), `seconds` long, unit RMS. */
function soxNoise(tmp, colour, seconds, tag) {
  const p = join(tmp, `noise-${tag}.wav`);
  run('sox', [
    '-R',
    '-n',
    '-r',
    String(VAD_FIXTURE_RATE),
    '-c',
    '1',
    '-b',
    '16',
    p,
    'synth',
    String(seconds),
    `${colour}noise`,
    'vol',
    '0.5',
  ]);
  const { samples } = readWav16(p);
  rmSync(p);
  const r = rms(samples) || 1;
  for (let i = 0; i < samples.length; i++) samples[i] /= r;
  return samples;
}

function say(tmp, text, voice, speed, tag) {
  const raw = join(tmp, `${tag}.raw.wav`);
  const out = join(tmp, `${tag}.wav`);
  run('espeak-ng', ['-v', voice, '-s', String(speed), '-w', raw, text]);
  // -D: no dither (sox dithers with a random seed by default), so the fixtures are the same on every build.
  run('sox', ['-D', raw, '-r', String(VAD_FIXTURE_RATE), '-c', '1', '-b', '16', out]);
  const { samples } = readWav16(out);
  rmSync(raw);
  rmSync(out);
  // espeak-ng pads every phrase with silence: trim it, so a designed pause is the pause heard.
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  const thr = peak * 0.003;
  let a = 0;
  let b = samples.length;
  while (a < b && Math.abs(samples[a]) <= thr) a++;
  while (b > a && Math.abs(samples[b - 1]) <= thr) b--;
  return samples.slice(a, b);
}

function concat(parts) {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const sec = (s) => Math.round(s * VAD_FIXTURE_RATE);

/** Adds one click, burst or knock into `x`; returns its sample range. */
function addExtra(x, e, rand, tmp, tag) {
  const start = sec(e.at);
  const amp = 10 ** ((e.db ?? -6) / 20);
  const len = sec((e.ms ?? 2) / 1000);
  if (e.kind === 'click') {
    // An impulse with a fast decaying tail of random sign: a mouse click, a tongue click, a contact.
    for (let i = 0; i < len && start + i < x.length; i++) {
      x[start + i] += amp * (i === 0 ? 1 : (rand() * 2 - 1) * Math.exp(-i / (len / 4)));
    }
  } else if (e.kind === 'knock') {
    // A damped low tone plus a click: a knock on a table.
    for (let i = 0; i < len && start + i < x.length; i++) {
      const t = i / VAD_FIXTURE_RATE;
      x[start + i] += amp * Math.exp(-t / 0.008) * (0.7 * Math.sin(2 * Math.PI * 180 * t) + 0.3 * (rand() * 2 - 1));
    }
  } else {
    const noise = soxNoise(tmp, e.colour ?? 'white', (e.ms ?? 100) / 1000 + 0.01, tag);
    const ramp = sec(0.005);
    const a = amp / 2; // unit-RMS noise peaks near 3-4x its RMS: keep bursts below full scale
    for (let i = 0; i < len && start + i < x.length; i++) {
      const g = Math.min(1, i / ramp, (len - i) / ramp);
      x[start + i] += a * g * (noise[i] ?? 0);
    }
  }
  return { startSample: start, endSample: Math.min(x.length, start + len), kind: e.kind };
}

/**
 * Builds one fixture in memory: its 48 kHz samples and its manifest entry (ground truth in samples).
 * @param {import('./vad-fixture-specs.mjs').FixtureSpec} spec
 * @param {string} tmp a scratch folder for the tools' files
 */
export function buildOne(spec, tmp) {
  const lead = spec.lead ?? DEFAULT_LEAD;
  const trail = spec.trail ?? DEFAULT_TRAIL;
  const chunks = [];
  const turns = [];
  let clean;
  if (spec.real) {
    const src = join(SHARED_AUDIO, spec.real);
    if (!existsSync(src)) {
      throw new Error(`real-speech clip ${src} is missing (set SOTTO_SHARED_AUDIO to the folder of ../shared/audio)`);
    }
    const p = join(tmp, `${spec.name}.real.wav`);
    run('sox', ['-D', src, '-r', String(VAD_FIXTURE_RATE), '-c', '1', '-b', '16', p]);
    const { samples } = readWav16(p);
    rmSync(p);
    clean = concat([new Float32Array(sec(lead)), samples, new Float32Array(sec(trail))]);
    turns.push({ from: sec(lead), to: sec(lead) + samples.length });
  } else if (spec.parts) {
    chunks.push(new Float32Array(sec(lead)));
    let at = sec(lead);
    const from = at;
    spec.parts.forEach((part, i) => {
      const s =
        'say' in part
          ? say(tmp, part.say, spec.voice ?? 'en-us', spec.speed ?? 150, `${spec.name}.${i}`)
          : new Float32Array(sec(part.pause));
      chunks.push(s);
      at += s.length;
    });
    turns.push({ from, to: at });
    chunks.push(new Float32Array(sec(trail)));
    clean = concat(chunks);
  } else {
    clean = new Float32Array(sec(spec.seconds ?? 3));
  }

  // Ground truth on the clean speech, at its final level.
  let speech = clean.some((v) => v !== 0) ? energySegments(clean, VAD_FIXTURE_RATE, Boolean(spec.real)) : [];
  if (!spec.real && speech.length > 0) {
    let s = 0;
    let n = 0;
    for (const seg of speech) {
      s += rms(clean, seg.startSample, seg.endSample) ** 2 * (seg.endSample - seg.startSample);
      n += seg.endSample - seg.startSample;
    }
    const gain = 10 ** ((spec.levelDb ?? DEFAULT_LEVEL_DB) / 20) / Math.sqrt(s / n);
    let peak = 0;
    for (let i = 0; i < clean.length; i++) peak = Math.max(peak, Math.abs(clean[i] * gain));
    const g = gain * Math.min(1, 0.9 / peak);
    for (let i = 0; i < clean.length; i++) clean[i] *= g;
    speech = energySegments(clean, VAD_FIXTURE_RATE);
  }
  const truthTurns = turns.map(({ from, to }) => {
    const segs = speech.filter((g) => g.endSample > from && g.startSample < to);
    const first = segs[0];
    const last = segs[segs.length - 1];
    if (!first || !last) throw new Error(`${spec.name}: no speech found in a turn`);
    const pauses = [];
    for (let i = 1; i < segs.length; i++) {
      const gap = segs[i].startSample - segs[i - 1].endSample;
      if (gap >= sec(TRUTH.pauseMs / 1000))
        pauses.push({ startSample: segs[i - 1].endSample, endSample: segs[i].startSample });
    }
    return { startSample: first.startSample, endSample: last.endSample, pauses };
  });

  // Noise and extras go on top of the clean signal.
  const mixed = Float32Array.from(clean);
  const rand = prng(seedOf(spec.name));
  let snrDb;
  if (spec.noise) {
    let s = 0;
    let n = 0;
    for (const seg of speech) {
      for (let i = seg.startSample; i < seg.endSample; i++) s += clean[i] * clean[i];
      n += seg.endSample - seg.startSample;
    }
    const noiseRms = Math.sqrt(s / n) / 10 ** (spec.noise.snrDb / 20);
    const noise = soxNoise(tmp, spec.noise.colour, clean.length / VAD_FIXTURE_RATE + 0.01, spec.name);
    for (let i = 0; i < mixed.length; i++) mixed[i] += noiseRms * (noise[i] ?? 0);
    snrDb = spec.noise.snrDb;
  }
  const nonSpeech = (spec.extras ?? []).map((e, i) => addExtra(mixed, e, rand, tmp, `${spec.name}.x${i}`));
  let peak = 0;
  for (const v of mixed) peak = Math.max(peak, Math.abs(v));
  if (peak > 0.999) for (let i = 0; i < mixed.length; i++) mixed[i] *= 0.999 / peak;

  return {
    samples: mixed,
    entry: {
      name: spec.name,
      file: `${spec.name}.wav`,
      kind: spec.kind,
      ...(spec.voice ? { voice: spec.voice, speed: spec.speed ?? 150 } : {}),
      ...(spec.real ? { source: spec.real } : {}),
      ...(spec.noise ? { noise: spec.noise.colour, snrDb } : {}),
      text:
        spec.parts
          ?.filter((p) => 'say' in p)
          .map((p) => p.say)
          .join(' … ') ?? null,
      samples: mixed.length,
      speech,
      turns: truthTurns,
      nonSpeech,
    },
  };
}
