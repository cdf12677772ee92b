/** Runs the demo page (Vite dev server, in this process) with the token endpoint wired to LiveKit. */
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { StackError } from './ports.ts';

export interface DemoOptions {
  root: string;
  port: number;
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Watch files and hot-reload the page. Default true; tests turn it off so an edit cannot reload a page mid-test. */
  watch?: boolean;
  /**
   * More dependencies to pre-bundle (e.g. `@ricky0123/vad-web` for the latency lab's peer baseline), with
   * an optimizer cache of their own (`node_modules/.vite-<cacheName>`) so a demo server beside it is not
   * disturbed.
   */
  extraDeps?: { include: string[]; cacheName: string };
}

export interface DemoHandle {
  url: string;
  stop(): Promise<void>;
}

export async function startDemo(opts: DemoOptions): Promise<DemoHandle> {
  // The token endpoint plugin in vite.config.ts reads these; they stay in this Node process.
  process.env.LIVEKIT_API_KEY = opts.apiKey;
  process.env.LIVEKIT_API_SECRET = opts.apiSecret;
  process.env.SOTTO_TOKEN_LIVEKIT_URL = opts.livekitUrl;
  let server: ViteDevServer;
  try {
    server = await createServer({
      configFile: join(opts.root, 'vite.config.ts'),
      ...(opts.extraDeps
        ? {
            cacheDir: join(opts.root, 'node_modules', `.vite-${opts.extraDeps.cacheName}`),
            // Merged with the config file's list (Vite concatenates arrays).
            optimizeDeps: { include: opts.extraDeps.include },
          }
        : {}),
      server: {
        port: opts.port,
        strictPort: true,
        host: '127.0.0.1',
        ...(opts.watch === false ? { hmr: false, watch: null } : {}),
      },
      logLevel: 'warn',
    });
    await server.listen();
  } catch (e) {
    throw new StackError(`demo server did not start on port ${opts.port}: ${(e as Error).message}`);
  }
  return {
    url: `http://127.0.0.1:${opts.port}/`,
    stop: () => server.close(),
  };
}
