/**
 * esbuild plugin for the `dist/` build: the Vite-only imports of the sources (`x?url`, `x.ts?worker&url`)
 * become `new URL('./x', import.meta.url)` modules naming the flat files of `dist/` (`dist-files.ts`).
 */
import type { Plugin } from 'esbuild';
import { distName, urlModule } from './dist-files.ts';

const QUERY = /\?(worker&url|url)$/;

export function urlImports(): Plugin {
  return {
    name: 'sotto-url-imports',
    setup(build) {
      build.onResolve({ filter: QUERY }, (args) => ({
        path: distName(args.path.replace(QUERY, '')),
        namespace: 'sotto-url',
      }));
      build.onLoad({ filter: /.*/, namespace: 'sotto-url' }, (args) => ({
        contents: urlModule(args.path),
        loader: 'js',
      }));
    },
  };
}

/**
 * For the VAD worker: its `import('onnxruntime-web/webgpu')` becomes `import('./ort-webgpu.js')`, a file of
 * its own, so the 39 kB (gzip) WebGPU runtime is fetched only when a real GPU adapter is tried.
 */
export function webgpuRuntimeApart(): Plugin {
  return {
    name: 'sotto-webgpu-apart',
    setup(build) {
      build.onResolve({ filter: /^onnxruntime-web\/webgpu$/ }, () => ({ path: './ort-webgpu.js', external: true }));
    },
  };
}
