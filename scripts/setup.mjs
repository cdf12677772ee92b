#!/usr/bin/env node
// Idempotent set-up for `npm start` and `npm test`. Node built-ins only: it runs before node_modules exists.
//
// Steps, each skipped when already done:
//   1. Node version check.
//   2. `npm ci` when node_modules is missing or older than package-lock.json (hash stamp).
//   3. Debian packages chromium, espeak-ng, sox, redis-server (for `npm run cluster`) (apt-get when root, else the
//      exact command to run).
//   4. livekit-server v1.13.5: one on PATH, else `go install` into .tools/ (cached by version).
//   5. Test fixtures (WAV) generated into .fixtures/ and .fixtures/vad/ (cached by a hash of their recipe).
//   6. Smart Turn v3.2 (end-of-turn model) from the pipecat-ai wheel on PyPI into .tools/models/ (scripts/models/smart-turn.mjs).
//   7. The on-device ASR model's files into packages/asr-gigaspeech-3m/ (its build.mjs: copied from SOTTO_ASR_SOURCE or
//      ../shared/models/kws-zipformer-gigaspeech-3.3M, each checked against checksums.json; skipped when all match).
//
// SOTTO_NO_INSTALL=1 makes every install step print what it would run and fail instead (for machines
// where you install things yourself). SOTTO_TOOLS_DIR moves .tools/.
//
// Exit code 0 when everything is ready; 1 with a message that says what is missing and how to fix it.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsrPackageError, buildAsrPackage } from '../packages/asr-gigaspeech-3m/build.mjs';
import { buildFixtures } from './fixtures.mjs';
import { ensureSmartTurn, ModelSetupError, smartTurnReady } from './models/smart-turn.mjs';
import { buildTurnFixtures } from './turn-fixtures.mjs';
import { buildVadFixtures } from './vad-fixtures.mjs';
import { CHROMIUM_PATH, LIVEKIT_VERSION, livekitBinaryPath, toolsDir, whichSync } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const quiet = process.argv.includes('--quiet');
const noInstall = process.env.SOTTO_NO_INSTALL === '1';

function log(msg) {
  if (!quiet) console.log(`[setup] ${msg}`);
}

class SetupError extends Error {
  name = 'SetupError';
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 10)) {
    throw new SetupError(
      `Node ${process.versions.node} is too old: Sotto needs Node >= 20.10 (install it from nodejs.org or your package manager).`,
    );
  }
}

/**
 * True when node_modules holds exactly the packages package-lock.json names. npm records the installed
 * tree in node_modules/.package-lock.json; comparing versions there means an `npm install` done by hand
 * counts as fresh and never triggers a destructive `npm ci` under running tools.
 */
function installedMatchesLock(lockPath, hiddenPath) {
  if (!existsSync(hiddenPath)) return false;
  const want = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(hiddenPath, 'utf8')).packages ?? {};
  for (const [path, meta] of Object.entries(want)) {
    if (path === '' || meta.link) continue;
    const got = have[path];
    // npm leaves optional packages for other platforms out of the installed tree.
    if (!got) {
      if (meta.optional) continue;
      return false;
    }
    if (got.version !== meta.version) return false;
  }
  return true;
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.sotto-lock-hash');
  const want = sha256(readFileSync(lock, 'utf8'));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return false;
  if (installedMatchesLock(lock, join(root, 'node_modules', '.package-lock.json'))) {
    writeFileSync(stamp, want);
    return false;
  }
  log('node_modules missing or stale: npm ci');
  // onnxruntime-node's install script would fetch GPU binaries from outside the registry; its CPU build ships in the package.
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) throw new SetupError('`npm ci` failed (see above). Check that the npm registry is reachable.');
  writeFileSync(stamp, want);
  return true;
}

const APT_PACKAGES = [
  { bin: 'chromium', pkg: 'chromium', path: CHROMIUM_PATH },
  { bin: 'espeak-ng', pkg: 'espeak-ng' },
  { bin: 'sox', pkg: 'sox' },
  // The shared routing store of a multi-node LiveKit cluster (`npm run cluster`, the cluster test).
  { bin: 'redis-server', pkg: 'redis-server' },
];

function ensureAptPackages() {
  const missing = APT_PACKAGES.filter((p) => !(p.path && existsSync(p.path)) && !whichSync(p.bin));
  if (missing.length === 0) return false;
  const pkgs = missing.map((p) => p.pkg);
  const cmd = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  if (noInstall || typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new SetupError(`Missing ${pkgs.join(', ')}. Install them with:\n  sudo sh -c '${cmd}'`);
  }
  if (!whichSync('apt-get')) {
    throw new SetupError(
      `Missing ${pkgs.join(', ')} and this is not a Debian/Ubuntu machine: install them with your package manager.`,
    );
  }
  log(`installing ${pkgs.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...pkgs],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) throw new SetupError(`apt-get ${args.join(' ')} failed. Run by hand:\n  ${cmd}`);
  }
  return true;
}

function ensureLivekit() {
  const found = livekitBinaryPath(root);
  if (found) {
    log(`livekit-server: ${found}`);
    return false;
  }
  const go = whichSync('go');
  const dir = join(toolsDir(root), `livekit-server-${LIVEKIT_VERSION}`);
  const bin = join(dir, 'bin');
  const goInstall = `GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN=${bin} go install github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION} && mv ${bin}/server ${bin}/livekit-server`;
  if (!go) {
    throw new SetupError(
      `livekit-server ${LIVEKIT_VERSION} is not on PATH and Go is not installed to build it.\n` +
        `  Install Go >= 1.24 (https://go.dev/doc/install or 'apt-get install golang'), or put livekit-server on PATH\n` +
        `  (e.g. 'curl -sSL https://get.livekit.io | bash'), then run again.`,
    );
  }
  if (noInstall) {
    throw new SetupError(
      `livekit-server ${LIVEKIT_VERSION} is missing and SOTTO_NO_INSTALL=1. Build it with:\n  ${goInstall}`,
    );
  }
  mkdirSync(bin, { recursive: true });
  log(`building livekit-server v${LIVEKIT_VERSION} with go install (cold: ~2 min)`);
  const r = spawnSync(go, ['install', `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOBIN: bin, GOFLAGS: '' },
  });
  if (r.status !== 0) throw new SetupError(`go install of livekit-server v${LIVEKIT_VERSION} failed (see above).`);
  renameSync(join(bin, 'server'), join(bin, 'livekit-server'));
  const v = execFileSync(join(bin, 'livekit-server'), ['--version'], { encoding: 'utf8' }).trim();
  log(`built ${v}`);
  return true;
}

function ensureAsrPackage() {
  try {
    return buildAsrPackage({ log });
  } catch (e) {
    throw e instanceof AsrPackageError ? new SetupError(e.message) : e;
  }
}

function ensureFixtures() {
  const dir = join(root, '.fixtures');
  const made = buildFixtures(dir, { log });
  // VAD fixtures: synthetic voices, noise, pauses, clicks, and clips of real speech from ../shared/audio.
  const madeVad = buildVadFixtures(join(dir, 'vad'), { log });
  const madeTurns = buildTurnFixtures(join(dir, 'turns'), { log });
  return made || madeVad || madeTurns;
}

try {
  checkNode();
  const did = [];
  if (ensureNodeModules()) did.push('npm ci');
  if (ensureAptPackages()) did.push('apt');
  if (ensureLivekit()) did.push('livekit-server');
  if (ensureFixtures()) did.push('fixtures');
  if (ensureAsrPackage()) did.push('asr model package');
  if (!smartTurnReady()) {
    await ensureSmartTurn({ quiet }).catch((e) => {
      throw e instanceof ModelSetupError ? new SetupError(e.message) : e;
    });
    did.push('smart-turn');
  }
  log(
    `${did.length ? `done (${did.join(', ')})` : 'nothing to do'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (e) {
  if (e instanceof SetupError) {
    console.error(`[setup] ERROR: ${e.message}`);
    process.exit(1);
  }
  throw e;
} finally {
  // A failed fixture build must not leave half-written files that a later run would trust.
  rmSync(join(root, '.fixtures', '.partial'), { recursive: true, force: true });
}
