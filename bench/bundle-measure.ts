/** Size measurements of the bundle bench (pure but for reading files). */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Gzip (level 9) size of `text` in kB (1000 bytes), one decimal. */
export function gzipKb(text: string | Uint8Array): number {
  return Math.round(gzipSync(text, { level: 9 }).length / 100) / 10;
}

/** Bytes of every file under `dir` (symlinks not followed), as `du --apparent-size -b` counts them. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/** The files a module references as `new URL('./name', import.meta.url)` (what bundlers copy). */
export function urlLiterals(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(/new URL\(\s*["'`]\.\/([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    if (m[1]) out.add(m[1]);
  }
  return [...out].sort();
}

export const mb = (bytes: number): number => Math.round(bytes / 1e4) / 100;
