#!/usr/bin/env node
// Smart Turn v3.2 (Pipecat's end-of-turn model, BSD-2-Clause) from PyPI: `ensureSmartTurn()` or
// `node scripts/models/smart-turn.mjs` (prints the model folder). Node built-ins only. Nothing comes from a
// model hub and no weights enter git.
//
// The model ships inside the `pipecat-ai` wheel (pipecat/audio/turn/smart_turn/data/smart-turn-v3.2-cpu.onnx).
// Steps, each skipped when already done (cached by version under .tools/models/, or SOTTO_TOOLS_DIR/models/):
//   1. `python3 -m pip download --no-deps pipecat-ai==<version>` into models/cache/ (12 MB, kept);
//   2. the ONNX file and the wheel's LICENSE extracted (Python's zipfile) and the ONNX checked against its sha256;
//   3. both move to models/smart-turn-v3.2/ with a stamp.
// `--parity` additionally makes a venv (models/smart-turn-venv: numpy + onnxruntime, pinned) and runs
// scripts/models/smart-turn-parity.py, the Python reference, to rewrite src/vad/turn/parity-fixture.json.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toolsDir, whichSync } from '../tools.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The pipecat-ai release the model is taken from. */
export const PIPECAT_VERSION = '1.14.0';
/** The model file, its path inside the wheel, and its sha256 (8,679,182 bytes). */
export const SMART_TURN_FILE = 'smart-turn-v3.2-cpu.onnx';
const WHEEL_PATH = `pipecat/audio/turn/smart_turn/data/${SMART_TURN_FILE}`;
export const SMART_TURN_SHA256 = '2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f';
/** What the parity reference imports, pinned. */
const PYTHON_PACKAGES = ['numpy==2.4.6', 'onnxruntime==1.24.3'];
const STAMP = '.sotto-stamp.json';

/** Why the model could not be set up; `message` says what is missing and how to fix it. */
export class ModelSetupError extends Error {
  name = 'ModelSetupError';
}

/** The folder the model is (or would be) in: <tools>/models/smart-turn-v3.2. No side effects. */
export function smartTurnDir() {
  return join(toolsDir(root), 'models', 'smart-turn-v3.2');
}

/** The model file's absolute path (it may not exist yet). */
export function smartTurnModelPath() {
  return join(smartTurnDir(), SMART_TURN_FILE);
}

function wantedStamp() {
  return { pipecat: PIPECAT_VERSION, sha256: SMART_TURN_SHA256 };
}

/** True when the model folder is complete. No side effects. */
export function smartTurnReady(dir = smartTurnDir()) {
  try {
    if (readFileSync(join(dir, STAMP), 'utf8') !== JSON.stringify(wantedStamp())) return false;
  } catch {
    return false;
  }
  return existsSync(join(dir, SMART_TURN_FILE)) && existsSync(join(dir, 'LICENSE'));
}

function reporter(quiet) {
  return {
    say: quiet ? () => undefined : (msg) => console.error(`[smart-turn] ${msg}`),
    stream: quiet ? null : process.stderr,
  };
}

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

function systemPython() {
  const python = whichSync('python3');
  if (!python) {
    throw new ModelSetupError(
      'python3 is not on PATH; fetching Smart Turn from PyPI needs it (pip download). Install it (Debian/Ubuntu: ' +
        "sudo apt-get install -y python3 python3-venv python3-pip) and run 'node scripts/models/smart-turn.mjs' again.",
    );
  }
  return python;
}

/** A venv with pip (and, for `packages`, those packages), cached by the package list. */
async function ensureVenv(venv, packages, log) {
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.sotto-packages');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === packages.join(' ')) return python;
  if (!existsSync(python)) {
    log.say(`creating a Python venv in ${venv}`);
    await run(systemPython(), ['-m', 'venv', venv], 'python3 -m venv', log).catch((e) => {
      throw new ModelSetupError(
        `${e.message}\nInstall the venv module (Debian/Ubuntu: sudo apt-get install -y python3-venv) and run again.`,
      );
    });
  }
  if (packages.length > 0) {
    log.say(`pip install ${packages.join(' ')}`);
    await run(
      python,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--only-binary=:all:', ...packages],
      'pip install (is PyPI reachable?)',
      log,
    );
  }
  writeFileSync(stamp, packages.join(' '));
  return python;
}

function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The cached pipecat-ai wheel (after {@link ensureSmartTurn}). */
function smartTurnWheel() {
  const cache = join(dirname(smartTurnDir()), 'cache', `pipecat-ai-${PIPECAT_VERSION}`);
  const wheel = readdirSync(cache).find((f) => f.startsWith(`pipecat_ai-${PIPECAT_VERSION}-`) && f.endsWith('.whl'));
  if (!wheel) throw new ModelSetupError(`no pipecat_ai wheel in ${cache}: delete ${smartTurnDir()} and run again`);
  return join(cache, wheel);
}

/**
 * Makes sure Smart Turn v3.2 is in its folder, fetching the pipecat-ai wheel from PyPI when not. Resolves to
 * the folder (files: smart-turn-v3.2-cpu.onnx, LICENSE, README.md). SOTTO_NO_INSTALL=1 turns a missing model
 * into a {@link ModelSetupError} instead of a download.
 */
export async function ensureSmartTurn({ quiet = false } = {}) {
  const dir = smartTurnDir();
  if (smartTurnReady(dir)) return dir;
  const log = reporter(quiet);
  if (process.env.SOTTO_NO_INSTALL === '1') {
    throw new ModelSetupError(
      `Smart Turn is not set up in ${dir} and SOTTO_NO_INSTALL=1. Run: node scripts/models/smart-turn.mjs`,
    );
  }
  const cache = join(dirname(dir), 'cache', `pipecat-ai-${PIPECAT_VERSION}`);
  mkdirSync(cache, { recursive: true });
  const python = systemPython();
  let wheel = readdirSync(cache).find((f) => f.startsWith(`pipecat_ai-${PIPECAT_VERSION}-`) && f.endsWith('.whl'));
  if (!wheel) {
    log.say(`pip download --no-deps pipecat-ai==${PIPECAT_VERSION} (12 MB from PyPI)`);
    const pipArgs = ['download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-d', cache];
    await run(
      python,
      ['-m', 'pip', ...pipArgs, `pipecat-ai==${PIPECAT_VERSION}`],
      'pip download of pipecat-ai (is PyPI reachable? is pip installed: apt-get install python3-pip?)',
      log,
    );
    wheel = readdirSync(cache).find((f) => f.startsWith(`pipecat_ai-${PIPECAT_VERSION}-`) && f.endsWith('.whl'));
    if (!wheel) throw new ModelSetupError(`pip download left no pipecat_ai wheel in ${cache}`);
  }
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const licence = `pipecat_ai-${PIPECAT_VERSION}.dist-info/licenses/LICENSE`;
    const extract = [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'open(sys.argv[3], "wb").write(z.read(sys.argv[2]))',
      'open(sys.argv[5], "wb").write(z.read(sys.argv[4]))',
    ].join('\n');
    const onnx = join(work, SMART_TURN_FILE);
    await run(
      python,
      ['-c', extract, join(cache, wheel), WHEEL_PATH, onnx, licence, join(work, 'LICENSE')],
      `extracting ${SMART_TURN_FILE} from ${wheel}`,
      log,
    );
    const sha = sha256File(onnx);
    if (sha !== SMART_TURN_SHA256) {
      rmSync(join(cache, wheel), { force: true });
      throw new ModelSetupError(`${SMART_TURN_FILE} from ${wheel} has sha256 ${sha}, expected ${SMART_TURN_SHA256}`);
    }
    writeFileSync(
      join(work, 'README.md'),
      `Smart Turn v3.2 (Daily / Pipecat, BSD-2-Clause: see LICENSE), ${WHEEL_PATH}\n` +
        `from the PyPI wheel pipecat-ai ${PIPECAT_VERSION}, fetched by scripts/models/smart-turn.mjs.\n`,
    );
    writeFileSync(join(work, STAMP), JSON.stringify(wantedStamp()));
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log.say(`ready in ${dir}`);
  return dir;
}

/**
 * Regenerates the parity fixture: builds the clips (scripts/models/smart-turn-clips.mjs) as raw float32,
 * runs the Python reference on them in a venv, and writes src/vad/turn/parity-fixture.json.
 */
export async function runParity({ quiet = false } = {}) {
  const log = reporter(quiet);
  const dir = await ensureSmartTurn({ quiet });
  const python = await ensureVenv(join(dirname(dir), 'smart-turn-venv'), PYTHON_PACKAGES, log);
  const clips = await import(pathToFileURL(join(here, 'smart-turn-clips.mjs')).href);
  const work = join(dirname(dir), 'smart-turn-parity');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const specs = clips.parityClipSpecs();
  const list = [];
  for (const [i, spec] of specs.entries()) {
    const samples = clips.buildClip(spec);
    const file = join(work, `${String(i).padStart(3, '0')}.f32`);
    writeFileSync(file, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    list.push(file);
  }
  writeFileSync(join(work, 'list.txt'), list.join('\n'));
  const out = await run(
    python,
    [join(here, 'smart-turn-parity.py'), join(dir, SMART_TURN_FILE), smartTurnWheel(), join(work, 'list.txt')],
    'smart-turn-parity.py',
    { ...log, stream: null },
  );
  const probs = JSON.parse(out.trim().split('\n').pop() ?? '[]');
  if (!Array.isArray(probs) || probs.length !== specs.length) {
    throw new ModelSetupError(
      `smart-turn-parity.py printed ${String(probs.length)} probabilities for ${specs.length} clips`,
    );
  }
  const fixture = {
    comment:
      'Smart Turn v3.2 probabilities from the Python reference (pipecat-ai local_smart_turn_v3.py + _whisper_features.py, ' +
      `onnxruntime ${PYTHON_PACKAGES[1]}) on clips rebuilt by scripts/models/smart-turn-clips.mjs. ` +
      'Regenerate: node scripts/models/smart-turn.mjs --parity',
    pipecat: PIPECAT_VERSION,
    clips: specs.map((spec, i) => ({ ...spec, probability: Number(probs[i].toFixed(6)) })),
  };
  const target = join(root, 'src', 'vad', 'turn', 'parity-fixture.json');
  writeFileSync(target, `${JSON.stringify(fixture, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
  log.say(`wrote ${target} (${specs.length} clips)`);
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quiet = process.argv.includes('--quiet');
  const job = process.argv.includes('--parity') ? runParity({ quiet }) : ensureSmartTurn({ quiet });
  job.then(
    (out) => console.log(out),
    (e) => {
      console.error(e instanceof ModelSetupError ? `[smart-turn] ERROR: ${e.message}` : e);
      process.exit(1);
    },
  );
}
