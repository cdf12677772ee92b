/**
 * Fresh consumer apps made from the quick start (docs/quick-start.md, its `html` and `js` blocks taken
 * unchanged), each with one bundler at its defaults and the packed `sotto` tarball installed by npm; the
 * Vite app also installs the packed ASR model (`@sotto/asr-gigaspeech-3m`) and names its files in a second
 * module of the page, as the quick start's offline section does.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../browser.ts';

export type Bundler = 'vite' | 'webpack' | 'esbuild';

/** The quick start's page and script, as the docs show them. */
export function quickStart(): { html: string; js: string } {
  const md = readFileSync(join(root, 'docs', 'quick-start.md'), 'utf8');
  const block = (lang: string): string => {
    const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(md);
    if (!m?.[1]) throw new Error(`docs/quick-start.md has no ${lang} block`);
    return m[1];
  };
  return { html: block('html'), js: block('js') };
}

const BUNDLER_DEPS: Record<Bundler, Record<string, string>> = {
  vite: { vite: '8.3.8' },
  esbuild: { esbuild: '0.28.2' },
  webpack: { webpack: '^5.113.0', 'webpack-cli': '^7.3.1' },
};

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, env: process.env });
}

/** Builds dist/ and packs the `sotto` tarball into `dir`; returns its path. */
export function packSotto(dir: string): string {
  run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build', 'build.ts')], root, 120_000);
  const out = execFileSync('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  const name = out.trim().split('\n').pop() ?? '';
  return join(dir, name);
}

/** Packs one workspace package into `dir`; returns the tarball's path. */
function packWorkspace(name: string, dir: string): string {
  const out = execFileSync('npm', ['pack', '--workspace', name, '--pack-destination', dir, '--loglevel=error'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return join(dir, out.trim().split('\n').pop() ?? '');
}

/** Packs `@sotto/agent` (server/, its dist/ built by packSotto's build) into `dir`; returns its path. */
export function packAgent(dir: string): string {
  return packWorkspace('@sotto/agent', dir);
}

/** Packs `@sotto/asr-gigaspeech-3m` (its prepack checks the model files) into `dir`; returns its path. */
export function packAsrModel(dir: string): string {
  return packWorkspace('@sotto/asr-gigaspeech-3m', dir);
}

/** The model package's files: name -> { bytes, sha256 }. */
export function asrChecksums(): Record<string, { bytes: number; sha256: string }> {
  const path = join(root, 'packages', 'asr-gigaspeech-3m', 'checksums.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, { bytes: number; sha256: string }>;
}

/**
 * The page's second module: the model's URLs as the offline quick start builds them, left on `window` for
 * the test to fetch (nothing else on the page uses them).
 */
const ASR_MODULE = `import { gigaspeech3m } from '@sotto/asr-gigaspeech-3m';

window.sottoAsr = gigaspeech3m();
`;

/**
 * An app's backend: the `@sotto/agent` tarball installed into an empty folder (onnxruntime-node's install
 * script would fetch GPU binaries from outside the registry: skipped, its CPU build ships in the package).
 * Returns the path of the installed token helper.
 */
export function makeBackend(dir: string, tarball: string): string {
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name: 'sotto-consumer-backend',
    private: true,
    type: 'module',
    dependencies: { '@sotto/agent': `file:${tarball}` },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  return join(dir, 'node_modules', '@sotto', 'agent', 'dist', 'token.js');
}

/**
 * Makes the app folder and installs the tarball and the bundler (the npm cache first). With `asrTarball`
 * (Vite only: its build takes every module script of index.html) the model package is installed too and the
 * page loads `asr.js` (`ASR_MODULE`) beside the quick start's script.
 */
export function makeApp(dir: string, bundler: Bundler, tarball: string, asrTarball?: string): void {
  mkdirSync(dir, { recursive: true });
  const { html, js } = quickStart();
  const dependencies: Record<string, string> = { sotto: `file:${tarball}` };
  if (asrTarball) dependencies['@sotto/asr-gigaspeech-3m'] = `file:${asrTarball}`;
  const pkg = {
    name: `sotto-consumer-${bundler}`,
    private: true,
    type: 'module',
    dependencies,
    devDependencies: BUNDLER_DEPS[bundler],
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  if (bundler === 'webpack') {
    // webpack's defaults: ./src/index.js in, ./dist/main.js out (a classic script, as its HTML plugin loads it).
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'index.js'), js);
  } else {
    writeFileSync(join(dir, 'main.js'), js);
  }
  if (asrTarball) writeFileSync(join(dir, 'asr.js'), ASR_MODULE);
  const page = asrTarball ? `${html}<script type="module" src="./asr.js"></script>\n` : html;
  writeFileSync(join(dir, 'index.html'), page);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir, 300_000);
}

/** Builds the app with its bundler's defaults; returns the folder to serve. */
export function buildApp(dir: string, bundler: Bundler): string {
  const bin = (name: string): string => join(dir, 'node_modules', '.bin', name);
  if (bundler === 'vite') {
    run(bin('vite'), ['build', '--logLevel', 'warn'], dir, 180_000);
    return join(dir, 'dist');
  }
  if (bundler === 'webpack') {
    run(bin('webpack'), ['--mode', 'production'], dir, 180_000);
    const html = readFileSync(join(dir, 'index.html'), 'utf8').replace(
      '<script type="module" src="./main.js"></script>',
      '<script defer src="./main.js"></script>',
    );
    writeFileSync(join(dir, 'dist', 'index.html'), html);
    return join(dir, 'dist');
  }
  const out = join(dir, 'public');
  run(bin('esbuild'), ['main.js', '--bundle', '--format=esm', `--outdir=${out}`], dir, 120_000);
  cpSync(join(dir, 'index.html'), join(out, 'index.html'));
  // esbuild copies no files: the SDK's folder goes next to the bundle (the quick start says so).
  const sdk = join(dir, 'node_modules', 'sotto', 'dist');
  for (const f of readdirSync(sdk)) if (/\.(js|wasm|onnx)$/.test(f)) cpSync(join(sdk, f), join(out, f));
  return out;
}
