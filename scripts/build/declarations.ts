/** Declaration post-processing for `dist/types/` (pure). */

const RELATIVE_TS = /((?:from\s+|import\s*\(\s*)['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;

/** Rewrites relative `./x.ts` module specifiers (static and `import()` types) to `./x.js`. */
export function jsSpecifiers(source: string): string {
  return source.replace(RELATIVE_TS, '$1$2.js$3');
}
