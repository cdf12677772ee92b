// The clips of the Smart Turn parity fixture: specs, and the 16 kHz samples a spec rebuilds to. Node built-ins
// only; used by `node scripts/models/smart-turn.mjs --parity` (which feeds them to the Python reference) and by
// the unit test (which feeds them to the TypeScript front end + model). A spec is a list of parts:
//   { file, start, end }  samples [start, end) of a real recording in ../shared/audio (16 kHz mono 16-bit);
//   { silence }           that many zero samples;
//   { tone, n, amp }      a sine of `tone` Hz;  { noise, amp, seed }  `noise` samples of uniform noise from an integer LCG.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { energySegments } from '../vad-truth.mjs';
import { readWav16 } from '../vad-wav.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RATE = 16_000;
/** How far into a pause each cut is made: the policy's first question comes ~200 ms after speech. */
const CUT_AFTER_MS = 200;

/** The real recordings (SOTTO_SHARED_AUDIO, default ../shared/audio beside the repository). */
export function sharedAudioDir() {
  const env = process.env.SOTTO_SHARED_AUDIO;
  return env ? resolve(env) : resolve(root, '..', 'shared', 'audio');
}

const wavs = new Map();
function wav(file) {
  let x = wavs.get(file);
  if (!x) {
    const path = join(sharedAudioDir(), file);
    if (!existsSync(path)) throw new Error(`${path} is missing (set SOTTO_SHARED_AUDIO to the recordings folder)`);
    const { rate, samples } = readWav16(path);
    if (rate !== RATE) throw new Error(`${path}: want ${RATE} Hz, got ${rate}`);
    x = samples;
    wavs.set(file, x);
  }
  return x;
}

/** Builds a spec's samples (Float32Array, 16 kHz). Deterministic. */
export function buildClip(spec) {
  const chunks = spec.parts.map((p) => {
    if ('file' in p) return wav(p.file).slice(p.start, p.end);
    if ('silence' in p) return new Float32Array(p.silence);
    if ('tone' in p) {
      const y = new Float32Array(p.n);
      for (let i = 0; i < p.n; i++) y[i] = p.amp * Math.sin((2 * Math.PI * p.tone * i) / RATE);
      return y;
    }
    if ('noise' in p) {
      const y = new Float32Array(p.noise);
      let s = p.seed >>> 0;
      for (let i = 0; i < p.noise; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        y[i] = p.amp * (s / 2147483648 - 1);
      }
      return y;
    }
    throw new Error(`unknown clip part ${JSON.stringify(p)}`);
  });
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A turn with a pause inside a sentence: hifi6097_astralplane_0639 up to the end of its first phrase (cut at
 * its natural 540 ms pause, mid-sentence: Smart Turn says ~0.05 there), `pauseMs` of digital silence, then
 * ss_0870 (a finished sentence: ~0.98 at its end). Positions `firstEnd` (end of the first speech) and
 * `secondStart` (start of the second part, 50 ms before its speech) are sample offsets in the clip.
 */
export function midTurnPauseSpec(pauseMs) {
  const a = 'hifi6097_astralplane_0639.wav';
  const segs = energySegments(wav(a), RATE, true);
  const firstEnd = segs[0].endSample;
  const pause = Math.round((pauseMs * RATE) / 1000);
  const b = 'ss_0870.wav';
  // From 50 ms before its first speech, so the pause is `pauseMs` (+ 50 ms of room tone).
  const bStart = Math.max(0, energySegments(wav(b), RATE, true)[0].startSample - 800);
  return {
    name: `${a} cut mid-sentence + ${pauseMs} ms + ${b}`,
    firstEnd,
    secondStart: firstEnd + pause,
    parts: [{ file: a, start: 0, end: firstEnd }, { silence: pause }, { file: b, start: bStart, end: wav(b).length }],
  };
}

/**
 * The specs: every recording cut 200 ms into its internal pauses (up to 2 per file, pauses >= 250 ms from the
 * energy truth of scripts/vad-truth.mjs) and 200 ms after its last speech, plus joined and synthetic clips.
 */
export function parityClipSpecs() {
  const manifest = JSON.parse(readFileSync(join(sharedAudioDir(), 'manifest.json'), 'utf8'));
  const cut = Math.round((CUT_AFTER_MS * RATE) / 1000);
  const specs = [];
  for (const { file } of manifest) {
    const x = wav(file);
    const segs = energySegments(x, RATE, true);
    if (segs.length === 0) continue;
    let internal = 0;
    for (let i = 0; i + 1 < segs.length && internal < 2; i++) {
      if (segs[i + 1].startSample - segs[i].endSample < (250 * RATE) / 1000) continue;
      specs.push({ name: `${file} pause ${i + 1}`, parts: [{ file, start: 0, end: segs[i].endSample + cut }] });
      internal++;
    }
    const end = Math.min(x.length, segs[segs.length - 1].endSample + cut);
    specs.push({ name: `${file} end`, parts: [{ file, start: 0, end }] });
  }
  const a = wav('jfk.wav');
  specs.push(
    { name: 'silence 8 s', parts: [{ silence: 8 * RATE }] },
    { name: 'tone 440 Hz 1 s', parts: [{ tone: 440, n: RATE, amp: 0.3 }] },
    { name: 'noise 3 s', parts: [{ noise: 3 * RATE, amp: 0.05, seed: 7 }] },
    {
      name: 'longer than 8 s (jfk whole + 0.3 s)',
      parts: [{ file: 'jfk.wav', start: 0, end: a.length }, { silence: 4800 }],
    },
    {
      name: 'joined: arctic mid-sentence + 500 ms + lj001-0002',
      parts: [
        { file: 'arctic_a0024.wav', start: 0, end: 24_000 },
        { silence: 8000 },
        { file: 'lj001-0002.wav', start: 0, end: 30_000 },
        { noise: 3200, amp: 0.002, seed: 3 },
      ],
    },
  );
  return specs;
}
