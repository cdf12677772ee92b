/**
 * `npm run build`: the publishable `dist/` of the `sotto` package.
 *
 * - `index.js`, `testing.js`, `protocol.js` (+ shared `chunk-*.js`): the library as ES modules (esbuild,
 *   not minified: the app's bundler does that), `livekit-client` and `comlink` left as imports.
 * - `capture.js`, `playback.js`, `output-tap.js`, `vad-worker.js`, `offline-worker.js`: self-contained,
 *   minified worklet and worker bundles (onnxruntime-web inside the workers).
 * - the model and wasm files (`dist-files.ts`), and `types/` (declarations from tsc).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { jsSpecifiers } from './declarations.ts';
import { BUNDLED_SCRIPTS, COPIED_ASSETS } from './dist-files.ts';
import { urlImports, webgpuRuntimeApart } from './url-imports.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');

const common: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [urlImports()],
};

/** tsc keeps the sources' `./x.ts` specifiers in declarations; consumers resolve `./x.js`. */
function fixDeclarations(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    writeFileSync(path, jsSpecifiers(readFileSync(path, 'utf8')));
  }
}

export async function buildDist(): Promise<void> {
  const t0 = Date.now();
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  await build({
    ...common,
    entryPoints: { index: 'src/index.ts', testing: 'src/testing/index.ts', protocol: 'src/protocol/index.ts' },
    outdir: dist,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    external: ['livekit-client', 'comlink'],
  });
  for (const s of BUNDLED_SCRIPTS) {
    const plugins = s.name === 'vad-worker.js' ? [urlImports(), webgpuRuntimeApart()] : [urlImports()];
    await build({ ...common, plugins, entryPoints: [s.entry], outfile: join(dist, s.name), minify: true });
  }
  const require = createRequire(join(root, 'package.json'));
  for (const a of COPIED_ASSETS) copyFileSync(require.resolve(a.from), join(dist, a.name));
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  fixDeclarations(join(dist, 'types'));
  console.log(`[build] dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * `server/dist/` of `@sotto/agent`: its public entries `token.js` (the token helper, for Node) and
 * `livekit-agents-turns.js` (`acceptSottoTurns` for a stock `@livekit/agents` agent), the package's
 * dependencies left as imports, and their declarations. The worker itself runs from the sources (or the
 * stack's own build, scripts/stack/agent-build.ts).
 */
export async function buildAgentDist(): Promise<void> {
  const out = join(root, 'server', 'dist');
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { token: 'server/token.ts', 'livekit-agents-turns': 'server/livekit-agents-turns.ts' },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.agent.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  fixDeclarations(out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildDist();
  await buildAgentDist();
}
