import { createReadStream, existsSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { tokenHandler } from './server/token-endpoint.ts';

/** Cross-origin isolation, so SharedArrayBuffer exists (audio rings). */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Serves `/api/token` from the dev server when the LiveKit keys are in the environment (the dev stack
 * sets SOTTO_TOKEN_LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET). The secret never leaves Node.
 */
function tokenEndpoint(): Plugin {
  return {
    name: 'sotto-token-endpoint',
    configureServer(server) {
      const apiKey = process.env.LIVEKIT_API_KEY;
      const apiSecret = process.env.LIVEKIT_API_SECRET;
      const livekitUrl = process.env.SOTTO_TOKEN_LIVEKIT_URL;
      if (!apiKey || !apiSecret || !livekitUrl) return;
      server.middlewares.use('/api/token', tokenHandler({ livekitUrl, apiKey, apiSecret }));
    },
  };
}

/**
 * Serves the shared model folder (SOTTO_SHARED_MODELS, default ../shared/models beside the repository) at
 * `/models/`, so the offline engine loads its ASR model from a URL as an app would. Never in the build.
 */
function sharedModels(): Plugin {
  const env = process.env.SOTTO_SHARED_MODELS;
  const dir = env
    ? isAbsolute(env)
      ? env
      : resolve(import.meta.dirname, env)
    : resolve(import.meta.dirname, '..', 'shared', 'models');
  return {
    name: 'sotto-shared-models',
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        const rel = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
        const file = join(dir, rel);
        if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
          next();
          return;
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file).size));
        res.setHeader('Cache-Control', 'no-store');
        for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
        createReadStream(file).pipe(res);
      });
    },
  };
}

/**
 * What the dev server may serve from outside `demo/` (through `/@fs/`): the SDK's sources, the worklets,
 * the dependencies, and the test fixtures (public audio). Nothing else of the repository, and never its
 * `.tools/` (but its end-of-turn model folder) or `test-results/` (logs, pid files), whatever a future edit
 * allows: the deny list wins.
 * Paths are relative to `root` (demo/).
 */
const fsAccess = {
  strict: true,
  // `.tools/models/smart-turn-v3.2/`: the end-of-turn model setup extracts (the SDK's default asset URL).
  allow: ['.', '../src', '../worklets', '../node_modules', '../.fixtures', '../.tools/models/smart-turn-v3.2'],
  deny: [
    // Vite's defaults (a `deny` replaces them).
    '.env',
    '.env.*',
    '*.{crt,pem}',
    '**/.git/**',
    // The dev stack's run files, wherever they end up; of `.tools/` only the model folder above is served.
    '**/.tools/*',
    '**/.tools/run/**',
    '**/.tools/bin/**',
    '**/.tools/livekit-server-*/**',
    '**/.tools/models/cache/**',
    '**/test-results/**',
    '*.pid',
    '*.log',
    'livekit*.yaml',
    '*.key',
  ],
};

export default defineConfig({
  root: 'demo',
  clearScreen: false,
  plugins: [tokenEndpoint(), sharedModels()],
  server: { host: '127.0.0.1', strictPort: true, headers: isolation, fs: fsAccess },
  preview: { host: '127.0.0.1', strictPort: true, headers: isolation },
  worker: { format: 'es' },
  // Pre-bundle a fixed list and never discover deps at run time: a discovery mid-test re-optimises and
  // reloads the page ("Execution context was destroyed"), which is what a fresh clone would hit.
  optimizeDeps: { noDiscovery: true, include: ['livekit-client', 'comlink'] },
  build: { outDir: '../dist/demo', emptyOutDir: true, target: 'es2022' },
});
