import { describe, expect, it } from 'vitest';
import { gzipKb, mb, urlLiterals } from './bundle-measure.ts';

describe('bundle measures', () => {
  it('finds the files a module makes bundlers copy', () => {
    const code = `a = new URL("./vad-worker.js", import.meta.url); b = new URL('./x.wasm', import.meta.url);
      c = new URL("./flite.wasm", here); d = new URL("./vad-worker.js", import.meta.url)`;
    expect(urlLiterals(code)).toEqual(['vad-worker.js', 'x.wasm']);
  });

  it('rounds sizes', () => {
    expect(mb(14_239_897)).toBe(14.24);
    expect(gzipKb('abc'.repeat(10_000))).toBeLessThan(1);
  });
});
