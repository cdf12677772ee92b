/**
 * `npm run bench -- bundle`: what the `sotto` package costs an app, beside livekit-client and
 * @ricky0123/vad-web measured the same way. Each package is installed alone from the npm cache into a fresh
 * folder (`sotto` from the tarball `npm pack` makes of this repository), then bundled with esbuild
 * (minified, ES modules, code splitting; gzip level 9):
 *
 * - `sdk_js_gzip_kb`: `export * from '<package>'` with the package's own dependencies left out (its own code,
 *   every dynamic import included). Workers and worklets are files of their own, not counted here.
 * - `connect_only_js_gzip_kb`: the JS a page loads before its first turn: an app that connects and listens
 *   (`sotto`: the quick start's code; livekit-client: `Room.connect` + the mic; vad-web: `MicVAD.new()`),
 *   the entry chunk and what it imports statically, plus the worklet/worker scripts started before the
 *   first turn (`sotto`: capture, output tap, VAD worker; vad-web: its worklet).
 * - `connect_only_wasm_mb`: WebAssembly fetched before the first turn (onnxruntime-web's single-threaded
 *   SIMD build for both VADs).
 * - `consumer_node_modules_mb`: node_modules after `npm install <package>` in an empty app.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { packSotto, quickStart } from '../e2e/consumer/apps.ts';
import { gzipKb, mb, treeBytes, urlLiterals } from './bundle-measure.ts';

interface Subject {
  name: 'sotto' | 'livekit-client' | '@ricky0123/vad-web';
  spec: (tarball: string) => string;
  connectOnly: string;
  /** Scripts (package-relative) a page starts before its first turn, and wasm it fetches. */
  firstTurnScripts: string[];
  firstTurnWasm: string[];
}

const SUBJECTS: Subject[] = [
  {
    name: 'sotto',
    spec: (tarball) => `file:${tarball}`,
    connectOnly: quickStart().js,
    firstTurnScripts: ['sotto/dist/capture.js', 'sotto/dist/output-tap.js', 'sotto/dist/vad-worker.js'],
    firstTurnWasm: ['sotto/dist/ort-wasm-simd-threaded.wasm'],
  },
  {
    name: 'livekit-client',
    spec: () => '2.23.0',
    connectOnly: [
      "import { Room } from 'livekit-client';",
      'const room = new Room();',
      "await room.connect('wss://example.invalid', 'token');",
      'await room.localParticipant.setMicrophoneEnabled(true);',
    ].join('\n'),
    firstTurnScripts: [],
    firstTurnWasm: [],
  },
  {
    name: '@ricky0123/vad-web',
    spec: () => '0.0.31',
    connectOnly: [
      "import { MicVAD } from '@ricky0123/vad-web';",
      'const vad = await MicVAD.new({ onSpeechEnd: (audio) => console.log(audio.length) });',
      'vad.start();',
    ].join('\n'),
    firstTurnScripts: ['@ricky0123/vad-web/dist/vad.worklet.bundle.min.js'],
    firstTurnWasm: ['onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'],
  },
];

async function bundleGzipKb(
  dir: string,
  source: string,
  external: string[],
): Promise<{ kb: number; literals: string[] }> {
  const out = join(dir, 'out');
  rmSync(out, { recursive: true, force: true });
  const r = await build({
    stdin: { contents: source, resolveDir: dir, sourcefile: 'app.js', loader: 'js' },
    absWorkingDir: dir,
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: out,
    external,
    metafile: true,
    logLevel: 'error',
  });
  // The entry chunk and what it imports statically: what a page runs before any dynamic import.
  const outputs = r.metafile.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k]?.entryPoint !== undefined);
  if (!entry) throw new Error('esbuild produced no entry chunk');
  const loaded = new Set<string>();
  const visit = (file: string): void => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  const code = [...loaded].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  return { kb: gzipKb(code), literals: urlLiterals(code) };
}

export async function runBundleBench(): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'sotto-bundle-bench-'));
  try {
    const tarball = packSotto(work);
    const figures: Record<string, Record<string, number | string[]>> = {};
    for (const s of SUBJECTS) {
      const dir = join(work, s.name.replace(/[@/]/g, '_'));
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { [s.name]: s.spec(tarball) } }),
      );
      execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        stdio: 'inherit',
        timeout: 300_000,
      });
      const nm = join(dir, 'node_modules');
      const deps = Object.keys(
        (JSON.parse(readFileSync(join(nm, s.name, 'package.json'), 'utf8')) as { dependencies?: object })
          .dependencies ?? {},
      );
      const sdk = await bundleGzipKb(dir, `export * from '${s.name}';`, deps);
      const app = await bundleGzipKb(dir, s.connectOnly, []);
      const scriptsKb = s.firstTurnScripts.reduce((sum, f) => sum + gzipKb(readFileSync(join(nm, f))), 0);
      const wasmBytes = s.firstTurnWasm.reduce((sum, f) => sum + statSync(join(nm, f)).size, 0);
      figures[s.name] = {
        sdk_js_gzip_kb: sdk.kb,
        connect_only_js_gzip_kb: Math.round((app.kb + scriptsKb) * 10) / 10,
        connect_only_wasm_mb: mb(wasmBytes),
        consumer_node_modules_mb: mb(treeBytes(nm)),
        connect_only_app_chunk_gzip_kb: app.kb,
        files_bundlers_copy: app.literals,
      };
      console.log(`[bundle] ${s.name}: ${JSON.stringify(figures[s.name])}`);
    }
    const key = (k: string, target: number | null): Record<string, unknown> => ({
      ...Object.fromEntries(SUBJECTS.map((s) => [s.name, figures[s.name]?.[k]])),
      target,
    });
    return {
      sdk_js_gzip_kb: key('sdk_js_gzip_kb', 60),
      connect_only_js_gzip_kb: key('connect_only_js_gzip_kb', 250),
      connect_only_wasm_mb: key('connect_only_wasm_mb', null),
      consumer_node_modules_mb: key('consumer_node_modules_mb', 200),
      detail: figures,
      tarball_mb: mb(statSync(tarball).size),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
