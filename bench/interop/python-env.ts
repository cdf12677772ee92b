/**
 * The Python stock agent's venv: `livekit-agents` 1.8.9 and `livekit-plugins-silero` 1.8.9 from PyPI, with
 * what they pulled in pinned in bench/interop/requirements.txt. Made only when the interop bench runs (not
 * by `npm run setup`: `npm test` does not pay for 480 MB of Python), once: cached under
 * `.tools/livekit-agents-py-<version>/` (or SOTTO_TOOLS_DIR) with a stamp of the requirements' hash and the
 * Python version, and made again when either changes. A Python whose wheels do not match the lock (another
 * CPython minor) falls back to the two top-level pins, and says so.
 *
 * Silero's weights ship inside the plugin's wheel (`livekit/plugins/silero/resources/silero_vad.onnx`);
 * this checks they are there, so nothing is fetched from a model hub when the agent runs.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolsDir, whichSync } from '../../scripts/tools.mjs';

export const LIVEKIT_AGENTS_PY_VERSION = '1.8.9';
const TOP_LEVEL = [
  `livekit-agents==${LIVEKIT_AGENTS_PY_VERSION}`,
  `livekit-plugins-silero==${LIVEKIT_AGENTS_PY_VERSION}`,
];
const STAMP = '.sotto-stamp.json';

export interface PythonAgentsEnv {
  /** The venv's python. */
  python: string;
  venv: string;
  /** `python --version` of the venv. */
  pythonVersion: string;
  /** How its packages were resolved: the committed lock, or the two top-level pins (another Python). */
  resolved: 'lock' | 'top-level';
  /** Seconds spent making it in this call (0 when cached). */
  setupSeconds: number;
  /** The Silero ONNX inside the plugin's wheel. */
  sileroOnnx: string;
}

interface Stamp {
  requirements: string;
  python: string;
  resolved: 'lock' | 'top-level';
}

function run(cmd: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONNOUSERSITE: '1' },
    });
    let out = '';
    const take = (chunk: Buffer): void => {
      out = (out + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => {
      reject(new Error(`${what}: could not run ${cmd} (${e.message})`));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${what} failed (exit ${String(code)}):\n${out.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** Makes (or finds) the venv; throws with what to do when Python or PyPI is missing. */
export async function ensurePythonAgentsEnv(
  root: string,
  log: (s: string) => void = () => undefined,
): Promise<PythonAgentsEnv> {
  const t0 = performance.now();
  const venv = join(toolsDir(root), `livekit-agents-py-${LIVEKIT_AGENTS_PY_VERSION}`);
  const python = join(venv, 'bin', 'python');
  const lock = join(root, 'bench', 'interop', 'requirements.txt');
  const requirements = createHash('sha256').update(readFileSync(lock)).digest('hex').slice(0, 16);
  const system = whichSync('python3');
  if (!system) {
    throw new Error(
      'python3 is not on PATH: the interop bench runs a Python LiveKit Agents agent (Debian/Ubuntu: ' +
        'apt-get install -y python3 python3-venv python3-pip).',
    );
  }
  const systemVersion = (await run(system, ['--version'], 'python3 --version')).trim();
  const silero = (): string =>
    join(venv, 'lib', `python${systemVersion.split(' ')[1]?.split('.').slice(0, 2).join('.') ?? ''}`, 'site-packages');
  const sileroOnnx = (): string => join(silero(), 'livekit', 'plugins', 'silero', 'resources', 'silero_vad.onnx');

  const stampPath = join(venv, STAMP);
  const stamp = existsSync(stampPath) ? (JSON.parse(readFileSync(stampPath, 'utf8')) as Stamp) : null;
  if (stamp?.requirements === requirements && stamp.python === systemVersion && existsSync(python)) {
    if (!existsSync(sileroOnnx())) throw new Error(`${sileroOnnx()} is missing: delete ${venv} and run again`);
    return {
      python,
      venv,
      pythonVersion: systemVersion,
      resolved: stamp.resolved,
      setupSeconds: 0,
      sileroOnnx: sileroOnnx(),
    };
  }
  if (process.env.SOTTO_NO_INSTALL === '1') {
    throw new Error(
      `the Python agents venv ${venv} is missing and SOTTO_NO_INSTALL=1. Make it with:\n` +
        `  python3 -m venv ${venv} && ${python} -m pip install --only-binary=:all: -r ${lock}`,
    );
  }
  log(`making ${venv} (livekit-agents ${LIVEKIT_AGENTS_PY_VERSION} from PyPI, ~480 MB, about a minute)`);
  rmSync(venv, { recursive: true, force: true });
  await run(system, ['-m', 'venv', venv], 'python3 -m venv').catch((e: unknown) => {
    throw new Error(`${String(e)}\nInstall the venv module (Debian/Ubuntu: apt-get install -y python3-venv).`, {
      cause: e,
    });
  });
  const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--only-binary=:all:'];
  let resolved: Stamp['resolved'] = 'lock';
  try {
    await run(python, [...pip, '-r', lock], 'pip install -r bench/interop/requirements.txt');
  } catch (e) {
    log(`the lock does not install on ${systemVersion} (${String(e).split('\n')[0] ?? ''}): the top-level pins only`);
    resolved = 'top-level';
    await run(python, [...pip, ...TOP_LEVEL], `pip install ${TOP_LEVEL.join(' ')} (is PyPI reachable?)`);
  }
  if (!existsSync(sileroOnnx())) {
    throw new Error(`livekit-plugins-silero ${LIVEKIT_AGENTS_PY_VERSION} installed without ${sileroOnnx()}`);
  }
  writeFileSync(stampPath, JSON.stringify({ requirements, python: systemVersion, resolved } satisfies Stamp));
  return {
    python,
    venv,
    pythonVersion: systemVersion,
    resolved,
    setupSeconds: Math.round((performance.now() - t0) / 100) / 10,
    sileroOnnx: sileroOnnx(),
  };
}
