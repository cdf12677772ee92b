/**
 * The npm package as a new user meets it (issue 13): `sotto` is built and packed, installed from the
 * tarball into fresh apps made from the quick start (its code unchanged), built with each bundler's
 * defaults, and served — the Vite and webpack and esbuild builds from a plain static server WITHOUT
 * COOP/COEP, Vite's dev server through a proxy — then one spoken turn (fake mic) is answered by the real
 * stack of e2e/global-setup.ts in Chromium. `/api/token` is answered with the packed `@sotto/agent`'s
 * token helper, installed into a backend folder. Installs come from the npm cache first (`--prefer-offline`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { buildApp, makeApp, makeBackend, packAgent, packSotto, type Bundler } from './consumer/apps.ts';
import { startFrontServer, type FrontServer, type Upstream } from './consumer/front-server.ts';
import { fixture, launchChromium } from './browser.ts';
import { freeTcpPort } from '../scripts/stack/index.ts';
import { mb, treeBytes } from '../bench/bundle-measure.ts';

test.describe.configure({ mode: 'serial' });

let work = '';
let tarball = '';
let mint: () => Promise<{ url: string; token: string }>;

test.beforeAll(async () => {
  test.setTimeout(420_000);
  work = mkdtempSync(join(tmpdir(), 'sotto-consumers-'));
  tarball = packSotto(work);
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
    return { states: await seen(), errors, isolated: await page.evaluate(() => globalThis.crossOriginIsolated) };
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
    makeApp(dir, bundler, tarball);
    const out = buildApp(dir, bundler);
    const builtMb = mb(treeBytes(out));
    console.log(`${bundler}: the built app is ${builtMb} MB`);
    // Vite and webpack copy what a session needs before its first turn (~17 MB, the 14 MB onnxruntime wasm
    // most of it), never the WebGPU build (27 MB) or Flite (21 MB). esbuild's app holds all of dist/.
    if (bundler !== 'esbuild') expect(builtMb).toBeLessThan(20);
    const r = await served({ dir: out }, (front) => quickStartTurn(front.url));
    expect(r.isolated).toBe(false);
    expectAnswered(r);
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
  } finally {
    vite.kill('SIGTERM');
  }
});
