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
//
// The recipe is split by concept: the fixture list (vad-fixture-specs.mjs), synthesis (vad-synth.mjs),
// ground truth (vad-truth.mjs) and WAV I/O (vad-wav.mjs); this file builds the set and caches it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VAD_FIXTURE_RATE, VAD_FIXTURES } from './vad-fixture-specs.mjs';
import { buildOne } from './vad-synth.mjs';
import { TRUTH } from './vad-truth.mjs';
import { writeWav16 } from './vad-wav.mjs';

export { VAD_FIXTURE_RATE, VAD_FIXTURES } from './vad-fixture-specs.mjs';
export { energySegments, TRUTH } from './vad-truth.mjs';
export { readWav16, writeWav16 } from './vad-wav.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The files of the recipe: a change in any of them rebuilds the fixtures. */
const RECIPE = ['vad-fixtures.mjs', 'vad-fixture-specs.mjs', 'vad-synth.mjs', 'vad-truth.mjs', 'vad-wav.mjs'];

function recipeHash(tools) {
  const script = RECIPE.map((f) => readFileSync(join(here, f), 'utf8')).join('\n');
  return createHash('sha256').update(JSON.stringify({ tools, script })).digest('hex').slice(0, 16);
}

function toolVersions() {
  return {
    espeak: execFileSync('espeak-ng', ['--version'], { encoding: 'utf8' }).trim(),
    sox: execFileSync('sox', ['--version'], { encoding: 'utf8' }).trim(),
  };
}

/**
 * Builds the VAD fixtures into `dir` unless the recipe (the scripts in RECIPE, tool versions) is unchanged.
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
