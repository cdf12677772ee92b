/**
 * Runs demo/lab/turns-bench.html in Chromium on a Vite server of its own (pre-bundling the CommonJS
 * @ricky0123/vad-web, cache in node_modules/.vite-bench-turns) and returns what the page measured.
 * Everything it starts is stopped on every exit path.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import type { TurnsBenchConfig, TurnsBenchRaw } from '../demo/lab/turns-bench.ts';
import { launchChromium } from '../e2e/browser.ts';
import { freeTcpPort } from '../scripts/stack/ports.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The page analyses ~13 min of audio several times faster than real time; this bounds a stuck run. */
const RUN_TIMEOUT_MS = 900_000;

export interface TurnsPage {
  /** Runs the VAD part (demo/lab/turns-bench.ts `run`). */
  run(config: TurnsBenchConfig): Promise<TurnsBenchRaw>;
  /** Calls another method of `window.turnsBench` with a JSON argument (after `run`, on the same stream). */
  call(method: string, arg: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** Opens the page; the caller closes it (every exit path). */
export async function openTurnsPage(): Promise<TurnsPage> {
  const port = await freeTcpPort();
  let vite: ViteDevServer | null = null;
  let browser: Browser | null = null;
  const stop = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await vite?.close().catch(() => undefined);
  };
  const onSignal = (): void => {
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const close = async (): Promise<void> => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  };
  try {
    vite = await createServer({
      configFile: join(root, 'vite.config.ts'),
      cacheDir: join(root, 'node_modules', '.vite-bench-turns'),
      optimizeDeps: { include: ['@ricky0123/vad-web'] },
      server: { port, strictPort: true, host: '127.0.0.1' },
      logLevel: 'warn',
    });
    await vite.listen();
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/lab/turns-bench.html`);
    await page.waitForFunction(
      () => (window as unknown as { turnsBench?: { ready: boolean } }).turnsBench?.ready === true,
      null,
      { timeout: 120_000 },
    );
    const call = async (method: string, arg: unknown): Promise<unknown> => {
      // The argument crosses as JSON (Playwright's serialisable-type check chokes on some option types).
      const run = page.evaluate(
        ([m, json]) =>
          (window as unknown as { turnsBench: Record<string, (c: unknown) => Promise<unknown>> }).turnsBench[m]?.(
            JSON.parse(json),
          ),
        [method, JSON.stringify(arg)] as const,
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`the turns bench page did not finish ${method} in ${RUN_TIMEOUT_MS / 1000} s`));
        }, RUN_TIMEOUT_MS);
      });
      const out = await Promise.race([run, timeout]).finally(() => {
        clearTimeout(timer);
      });
      if (problems.length > 0) throw new Error(`the turns bench page failed: ${problems.join('; ')}`);
      return out;
    };
    return {
      run: async (config) => (await call('run', config)) as TurnsBenchRaw,
      call,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
