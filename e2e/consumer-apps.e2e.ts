/**
 * The npm package as a new user meets it (issue 13): `sotto` is built and packed, installed from the
 * tarball into fresh apps made from the quick start (its code unchanged), built with each bundler's
 * defaults, and served — the Vite and webpack and esbuild builds from a plain static server WITHOUT
 * COOP/COEP, Vite's dev server through a proxy — then one spoken turn (fake mic) is answered by the real
 * stack of e2e/global-setup.ts in Chromium. `/api/token` is answered with the packed `@sotto/agent`'s
 * token helper, installed into a backend folder. Installs come from the npm cache first (`--prefer-offline`).
 * The Vite app also installs the packed ASR model (`@sotto/asr-gigaspeech-3m`): its build must hold the four
 * model files, byte for byte, and the page (built and dev) must fetch them from the URLs the package gives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import {
  asrChecksums,
  buildApp,
  makeApp,
  makeBackend,
  packAgent,
  packAsrModel,
  packSotto,
  type Bundler,
} from './consumer/apps.ts';
import { startFrontServer, type FrontServer, type Upstream } from './consumer/front-server.ts';
import { fixture, launchChromium } from './browser.ts';
import { freeTcpPort } from '../scripts/stack/index.ts';
import { mb, treeBytes } from '../bench/bundle-measure.ts';

test.describe.configure({ mode: 'serial' });

let work = '';
let tarball = '';
let asrTarball = '';
let mint: () => Promise<{ url: string; token: string }>;

test.beforeAll(async () => {
  test.setTimeout(420_000);
  work = mkdtempSync(join(tmpdir(), 'sotto-consumers-'));
  tarball = packSotto(work);
  asrTarball = packAsrModel(work);
  // The apps' backend mints their tokens with the packed agent package's helper, as the quick start says.
  const helperPath = makeBackend(join(work, 'backend'), packAgent(work));
  const helper = (await import(pathToFileURL(helperPath).href)) as typeof import('../server/token.ts');
  const opts = helper.tokenOptionsFromEnv({
    LIVEKIT_URL: process.env.SOTTO_E2E_LIVEKIT_URL,
    LIVEKIT_API_KEY: process.env.LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET: process.env.LIVEKIT_API_SECRET,
  });
  let n = 0;
  mint = async () => {
    n++;
    const token = await helper.issueToken(opts, helper.roomServiceLookup(opts), `consumer-${process.pid}-${n}`, 'user');
    return { url: opts.livekitUrl, token };
  };
});

test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface PageRun {
  states: string[];
  errors: string[];
  isolated: boolean;
  /** Bytes fetched from each URL of `window.sottoAsr` (the model package's), or -status; null without it. */
  asr: Record<string, number> | null;
}

/** The model's bytes by role, as the page should fetch them. */
function asrBytes(): Record<string, number> {
  const sums = asrChecksums();
  const bytes = (name: string): number => sums[name]?.bytes ?? -1;
  return {
    encoder: bytes('encoder.int8.fixed.onnx'),
    decoder: bytes('decoder.onnx'),
    joiner: bytes('joiner.int8.onnx'),
    tokens: bytes('tokens.txt'),
  };
}

/** The model files found in a build by content: file name -> path in `dir`; their bytes in total. */
function builtAsrFiles(dir: string): { found: Record<string, string>; bytes: number } {
  const want = new Map(Object.entries(asrChecksums()).map(([name, c]) => [c.sha256, name]));
  const found: Record<string, string> = {};
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const data = readFileSync(path);
    const name = want.get(createHash('sha256').update(data).digest('hex'));
    if (name === undefined) continue;
    found[name] = path.slice(dir.length + 1);
    bytes += data.byteLength;
  }
  return { found, bytes };
}

/** Opens the app, presses Talk, lets the fixture be said and waits for the agent's answer. */
async function quickStartTurn(url: string): Promise<PageRun> {
  const browser = await launchChromium({ wav: fixture('hello') });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('response', (res) => {
      if (res.status() >= 400) errors.push(`HTTP ${res.status()} ${res.url()}`);
    });
    await page.addInitScript(() => {
      const states: string[] = [];
      (window as unknown as { quickStartStates: string[] }).quickStartStates = states;
      new MutationObserver(() => {
        const v = document.querySelector('output')?.value;
        if (v !== undefined && states[states.length - 1] !== v) states.push(v);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(url);
    await page.click('#talk');
    const seen = (): Promise<string[]> =>
      page.evaluate(() => (window as unknown as { quickStartStates: string[] }).quickStartStates);
    await page
      .waitForFunction(
        () => (window as unknown as { quickStartStates: string[] }).quickStartStates.includes('agent-speaking'),
        null,
        { timeout: 90_000, polling: 50 },
      )
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}; states ${JSON.stringify(await seen())}; errors ${JSON.stringify(errors)}`);
      });
    const asr = await page.evaluate(async () => {
      const files = (window as unknown as { sottoAsr?: Record<string, { url: string }> }).sottoAsr;
      if (!files) return null;
      const got: Record<string, number> = {};
      for (const [role, f] of Object.entries(files)) {
        const res = await fetch(f.url);
        got[role] = res.ok ? (await res.arrayBuffer()).byteLength : -res.status;
      }
      return got;
    });
    return {
      states: await seen(),
      errors,
      isolated: await page.evaluate(() => globalThis.crossOriginIsolated),
      asr,
    };
  } finally {
    await browser.close();
  }
}

async function served<T>(upstream: Upstream, use: (s: FrontServer) => Promise<T>): Promise<T> {
  const front = await startFrontServer(upstream, () => mint());
  try {
    return await use(front);
  } finally {
    await front.close();
  }
}

function expectAnswered(r: PageRun): void {
  console.log(`states ${r.states.join(' > ')}; cross-origin isolated: ${r.isolated}`);
  expect(r.states).toContain('user-speaking');
  expect(r.states.indexOf('agent-speaking')).toBeGreaterThan(r.states.indexOf('user-speaking'));
  expect(r.errors).toEqual([]);
}

for (const bundler of ['vite', 'esbuild', 'webpack'] as const satisfies readonly Bundler[]) {
  test(`${bundler} build, static server without COOP/COEP: the quick start answers a spoken turn`, async () => {
    test.setTimeout(600_000);
    const dir = join(work, bundler);
    const withAsr = bundler === 'vite';
    makeApp(dir, bundler, tarball, withAsr ? asrTarball : undefined);
    const out = buildApp(dir, bundler);
    const model = builtAsrFiles(out);
    const builtMb = mb(treeBytes(out) - model.bytes);
    console.log(`${bundler}: the built app is ${builtMb} MB (+ ${mb(model.bytes)} MB of ASR model)`);
    // Vite and webpack copy what a session needs before its first turn (~17 MB, the 14 MB onnxruntime wasm
    // most of it), never the WebGPU build (27 MB) or Flite (21 MB). esbuild's app holds all of dist/.
    if (bundler !== 'esbuild') expect(builtMb).toBeLessThan(20);
    if (withAsr) {
      // Vite emitted the model package's four files (by their `new URL()`), e.g. assets/encoder.int8.fixed-<hash>.onnx.
      console.log(`${bundler}: ASR model files in the build: ${JSON.stringify(model.found)}`);
      expect(Object.keys(model.found).sort()).toEqual(Object.keys(asrChecksums()).sort());
      expect(model.found['encoder.int8.fixed.onnx']).toMatch(/encoder\.int8\.fixed[^/]*\.onnx$/);
    }
    const r = await served({ dir: out }, (front) => quickStartTurn(front.url));
    expect(r.isolated).toBe(false);
    expectAnswered(r);
    expect(r.asr).toEqual(withAsr ? asrBytes() : null);
  });
}

test('vite dev server: the quick start answers a spoken turn', async () => {
  test.setTimeout(300_000);
  const dir = join(work, 'vite');
  const port = await freeTcpPort();
  const vite: ChildProcess = spawn(
    join(dir, 'node_modules', '.bin', 'vite'),
    ['--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('vite dev did not start in 60 s'));
      }, 60_000);
      vite.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes(String(port))) {
          clearTimeout(timer);
          resolve();
        }
      });
      vite.on('exit', (code) => {
        reject(new Error(`vite dev exited (${String(code)})`));
      });
    });
    const r = await served({ port }, (front) => quickStartTurn(front.url));
    expectAnswered(r);
    expect(r.asr).toEqual(asrBytes()); // the model's URLs work in dev too (Vite's dependency pre-bundling)
  } finally {
    vite.kill('SIGTERM');
  }
});
