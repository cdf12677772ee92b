// VAD fixtures: speech synthesised with espeak-ng (several voices and speeds), resampled with sox, mixed in
// Node with noise from sox at a set SNR, hesitation pauses, and clicks / bursts that are not speech; plus a
// few real recordings from ../shared/audio. Node built-ins only.
//
// Every file is 48 kHz, mono, 16-bit PCM (what Chromium's fake microphone and decodeAudioData take without
// surprises). `manifest.json` holds the ground truth of each file, in samples at 48 kHz, measured on the
// CLEAN signal (before noise and clicks are added):
//   speech    energy segments (5 ms windows, 40 dB below the loudest window, gaps < 150 ms bridged)
//   turns     one per designed utterance: first to last speech sample, with the pauses >= 200 ms inside it
//   nonSpeech clicks and bursts added on purpose (a VAD must not start a turn on them)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Sample rate of every VAD fixture, in Hz. */
export const VAD_FIXTURE_RATE = 48_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Real recordings (16 kHz) used as-is, resampled; see ../shared/audio/README.md for their licences. */
const SHARED_AUDIO = process.env.SOTTO_SHARED_AUDIO ?? join(root, '..', 'shared', 'audio');

/** Energy-based ground truth: window, threshold and gap bridging. */
export const TRUTH = Object.freeze({
  windowMs: 5,
  belowPeakDb: 40,
  floorDb: -60,
  bridgeMs: 150,
  minMs: 30,
  pauseMs: 200,
});

/**
 * @typedef {{ say: string } | { pause: number }} Part  a phrase, or a hesitation pause in seconds
 * @typedef {{ at: number, kind: 'click' | 'burst' | 'knock', ms?: number, db?: number, colour?: 'white' | 'pink' }} Extra
 * @typedef {{
 *   name: string,
 *   kind: 'clean' | 'white' | 'pink' | 'hesitation' | 'nonspeech' | 'real',
 *   voice?: string, speed?: number, lead?: number, trail?: number, levelDb?: number,
 *   parts?: Part[], real?: string, noise?: { colour: 'white' | 'pink', snrDb: number }, extras?: Extra[],
 *   seconds?: number,
 * }} FixtureSpec
 */

/** @type {FixtureSpec[]} */
export const VAD_FIXTURES = [
  // Clean speech: several voices and speeds.
  {
    name: 'clean-us-150',
    kind: 'clean',
    voice: 'en-us',
    speed: 150,
    parts: [{ say: 'Hello there, can you hear me now?' }],
  },
  {
    name: 'clean-gbf-170',
    kind: 'clean',
    voice: 'en-gb+f3',
    speed: 170,
    levelDb: -18,
    parts: [{ say: 'Please turn off the lights in the kitchen.' }],
  },
  {
    name: 'clean-usm-130',
    kind: 'clean',
    voice: 'en-us+m3',
    speed: 130,
    levelDb: -26,
    parts: [{ say: 'What time does the next train leave?' }],
  },
  {
    name: 'clean-scot-160',
    kind: 'clean',
    voice: 'en-gb-scotland',
    speed: 160,
    parts: [{ say: 'I would like a cup of tea, please.' }],
  },
  {
    name: 'clean-usf-190',
    kind: 'clean',
    voice: 'en-us+f2',
    speed: 190,
    levelDb: -20,
    parts: [{ say: 'Remind me to call my sister tomorrow.' }],
  },
  {
    name: 'clean-car-140',
    kind: 'clean',
    voice: 'en-029',
    speed: 140,
    levelDb: -24,
    parts: [{ say: 'Set a timer for ten minutes.' }],
  },
  // White and pink noise at 10-20 dB SNR (speech power over its active samples).
  {
    name: 'white-10db',
    kind: 'white',
    voice: 'en-us+f4',
    speed: 160,
    noise: { colour: 'white', snrDb: 10 },
    parts: [{ say: 'Send a message to the team.' }],
  },
  {
    name: 'white-15db',
    kind: 'white',
    voice: 'en-gb',
    speed: 150,
    noise: { colour: 'white', snrDb: 15 },
    parts: [{ say: 'How far is it to the airport?' }],
  },
  {
    name: 'white-20db',
    kind: 'white',
    voice: 'en-us+m2',
    speed: 170,
    noise: { colour: 'white', snrDb: 20 },
    parts: [{ say: 'Play some quiet music.' }],
  },
  {
    name: 'pink-10db',
    kind: 'pink',
    voice: 'en-us+f3',
    speed: 150,
    noise: { colour: 'pink', snrDb: 10 },
    parts: [{ say: 'Open the front door.' }],
  },
  {
    name: 'pink-15db',
    kind: 'pink',
    voice: 'en-gb+m3',
    speed: 140,
    noise: { colour: 'pink', snrDb: 15 },
    parts: [{ say: 'Where did I park the car?' }],
  },
  {
    name: 'pink-20db',
    kind: 'pink',
    voice: 'en-us',
    speed: 180,
    noise: { colour: 'pink', snrDb: 20 },
    parts: [{ say: 'Add milk and eggs to the list.' }],
  },
  // Hesitation pauses of 300-700 ms inside a sentence: one turn each.
  {
    name: 'hes-300',
    kind: 'hesitation',
    voice: 'en-us',
    speed: 150,
    parts: [{ say: 'I think' }, { pause: 0.3 }, { say: 'we should leave now.' }],
  },
  {
    name: 'hes-400-700',
    kind: 'hesitation',
    voice: 'en-gb+f3',
    speed: 160,
    parts: [{ say: 'Book a table' }, { pause: 0.4 }, { say: 'for two people' }, { pause: 0.7 }, { say: 'tonight.' }],
  },
  {
    name: 'hes-500',
    kind: 'hesitation',
    voice: 'en-us+m3',
    speed: 150,
    parts: [{ say: 'Well,' }, { pause: 0.5 }, { say: 'maybe tomorrow is better.' }],
  },
  {
    name: 'hes-600',
    kind: 'hesitation',
    voice: 'en-us+f2',
    speed: 170,
    parts: [{ say: 'Call' }, { pause: 0.6 }, { say: 'my mother, please.' }],
  },
  {
    name: 'hes-350-white',
    kind: 'hesitation',
    voice: 'en-gb',
    speed: 150,
    noise: { colour: 'white', snrDb: 20 },
    parts: [{ say: 'The number is' }, { pause: 0.35 }, { say: 'four five six.' }],
  },
  // Not speech: clicks, noise bursts, knocks. No turn may start on them.
  {
    name: 'clicks',
    kind: 'nonspeech',
    seconds: 3.2,
    extras: [0.5, 0.9, 1.2, 1.75, 2.1, 2.6].map((at, i) => ({ at, kind: 'click', ms: 1 + (i % 3), db: -3 - 2 * i })),
  },
  {
    name: 'bursts',
    kind: 'nonspeech',
    seconds: 3.2,
    extras: [
      { at: 0.5, kind: 'burst', ms: 60, db: -12, colour: 'white' },
      { at: 1.1, kind: 'burst', ms: 120, db: -15, colour: 'pink' },
      { at: 1.8, kind: 'burst', ms: 200, db: -18, colour: 'white' },
      { at: 2.5, kind: 'burst', ms: 90, db: -10, colour: 'pink' },
    ],
  },
  {
    name: 'knocks-clicks',
    kind: 'nonspeech',
    seconds: 3.0,
    extras: [
      { at: 0.4, kind: 'knock', ms: 40, db: -6 },
      { at: 0.65, kind: 'knock', ms: 40, db: -8 },
      { at: 0.9, kind: 'knock', ms: 40, db: -7 },
      { at: 1.6, kind: 'click', ms: 2, db: -2 },
      { at: 2.0, kind: 'burst', ms: 150, db: -14, colour: 'pink' },
      { at: 2.4, kind: 'click', ms: 1, db: -1 },
    ],
  },
  {
    name: 'clicks-then-speech',
    kind: 'nonspeech',
    voice: 'en-us+m3',
    speed: 160,
    lead: 1.4,
    parts: [{ say: 'Yes, that is right.' }],
    extras: [
      { at: 0.3, kind: 'click', ms: 2, db: -3 },
      { at: 0.7, kind: 'burst', ms: 80, db: -14, colour: 'white' },
      { at: 1.1, kind: 'click', ms: 1, db: -2 },
    ],
  },
  // Real speech (people, not a synthesiser).
  { name: 'real-arctic', kind: 'real', real: 'arctic_a0024.wav' },
  { name: 'real-ls-f', kind: 'real', real: 'ls_4507-16021-0012.wav' },
  { name: 'real-ls-m', kind: 'real', real: 'ls_61-70968-0002.wav' },
  { name: 'real-lj', kind: 'real', real: 'lj001-0002.wav' },
  { name: 'real-cards', kind: 'real', real: 'cards_001.wav' },
];

const DEFAULT_LEAD = 0.6;
const DEFAULT_TRAIL = 1.2;
const DEFAULT_LEVEL_DB = -22;

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function recipeHash(tools) {
  const script = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  return createHash('sha256').update(JSON.stringify({ tools, script })).digest('hex').slice(0, 16);
}

/** Reads a 16-bit PCM mono WAV into floats (walks the RIFF chunks). */
export function readWav16(path) {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${path}: not a WAV file`);
  let at = 12;
  let rate = 0;
  let channels = 0;
  let bits = 0;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(at + 10);
      rate = buf.readUInt32LE(at + 12);
      bits = buf.readUInt16LE(at + 22);
    } else if (id === 'data') {
      if (bits !== 16 || channels !== 1) throw new Error(`${path}: want 16-bit mono, got ${bits}-bit ${channels} ch`);
      const n = Math.floor(Math.min(size, buf.length - at - 8) / 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(at + 8 + 2 * i) / 32768;
      return { rate, samples: out };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Writes floats as a canonical 16-bit PCM mono WAV (44-byte header). */
export function writeWav16(path, samples, rate) {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    const x = Math.max(-1, Math.min(1, samples[i]));
    buf.writeInt16LE(Math.round(x * 32767), 44 + 2 * i);
  }
  writeFileSync(path, buf);
}

/**
 * Speech segments of a clean signal from its energy: windows of `windowMs` whose RMS is within
 * `belowPeakDb` of the loudest window and above `floorDb`; for a recording (`noisy`), also 15 dB above its
 * noise floor (the quietest 100 ms that is not digital silence). Gaps shorter than `bridgeMs` are bridged,
 * then segments shorter than `minMs` dropped (a lone blip in a recording). Returns sample ranges [start, end).
 * @param {Float32Array} x
 * @param {number} rate
 * @param {boolean} [noisy]
 */
export function energySegments(x, rate, noisy = false, opts = TRUTH) {
  const win = Math.round((opts.windowMs * rate) / 1000);
  const n = Math.floor(x.length / win);
  const db = new Float64Array(n);
  for (let w = 0; w < n; w++) {
    let s = 0;
    for (let i = w * win; i < (w + 1) * win; i++) s += x[i] * x[i];
    db[w] = 10 * Math.log10(s / win + 1e-20);
  }
  let peak = -200;
  for (const d of db) peak = Math.max(peak, d);
  let thr = Math.max(peak - opts.belowPeakDb, opts.floorDb);
  if (noisy) {
    // Noise floor: the quietest 100 ms run of windows that are not digital silence.
    const run = Math.round(100 / opts.windowMs);
    let floor = Infinity;
    for (let w = 0; w + run <= n; w++) {
      let sum = 0;
      let ok = true;
      for (let k = w; k < w + run; k++) {
        if (db[k] < -150) ok = false;
        sum += db[k];
      }
      if (ok) floor = Math.min(floor, sum / run);
    }
    if (Number.isFinite(floor)) thr = Math.max(thr, floor + 15);
  }
  const segs = [];
  for (let w = 0; w < n; w++) {
    if (db[w] < thr) continue;
    const start = w * win;
    const last = segs[segs.length - 1];
    if (last && start - last.endSample < (opts.bridgeMs * rate) / 1000) last.endSample = start + win;
    else segs.push({ startSample: start, endSample: start + win });
  }
  return segs.filter((g) => g.endSample - g.startSample >= (opts.minMs * rate) / 1000);
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

function buildOne(spec, tmp) {
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

function toolVersions() {
  return {
    espeak: execFileSync('espeak-ng', ['--version'], { encoding: 'utf8' }).trim(),
    sox: execFileSync('sox', ['--version'], { encoding: 'utf8' }).trim(),
  };
}

/**
 * Builds the VAD fixtures into `dir` unless the recipe (this script, tool versions) is unchanged.
 * Returns true when it built anything. Writes into `dir/.partial` first, so a failed run leaves nothing a
 * later run would trust.
 * @param {string} dir
 * @param {{ log: (msg: string) => void }} opts
 */
export function buildVadFixtures(dir, { log }) {
  const hash = recipeHash(toolVersions());
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (old.hash === hash && VAD_FIXTURES.every((f) => existsSync(join(dir, `${f.name}.wav`)))) return false;
  }
  log(`generating ${VAD_FIXTURES.length} VAD fixture(s) with espeak-ng + sox`);
  const tmp = join(dir, '.partial');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const manifest = { hash, rate: VAD_FIXTURE_RATE, truth: TRUTH, fixtures: [] };
    for (const spec of VAD_FIXTURES) {
      const { samples, entry } = buildOne(spec, tmp);
      writeWav16(join(tmp, entry.file), samples, VAD_FIXTURE_RATE);
      manifest.fixtures.push(entry);
    }
    for (const f of manifest.fixtures) renameSync(join(tmp, f.file), join(dir, f.file));
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}
