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

export default defineConfig({
  root: 'demo',
  clearScreen: false,
  plugins: [tokenEndpoint()],
  server: { host: '127.0.0.1', strictPort: true, headers: isolation, fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1', strictPort: true, headers: isolation },
  worker: { format: 'es' },
  // Pre-bundle a fixed list and never discover deps at run time: a discovery mid-test re-optimises and
  // reloads the page ("Execution context was destroyed"), which is what a fresh clone would hit.
  optimizeDeps: { noDiscovery: true, include: ['livekit-client', 'comlink'] },
  build: { outDir: '../dist/demo', emptyOutDir: true, target: 'es2022' },
});
