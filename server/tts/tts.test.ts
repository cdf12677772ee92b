import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FliteTts } from './flite.ts';
import { ThreadedFlite } from './flite-threaded.ts';
import { resample, trimSilence, upsampleInt } from './pcm.ts';
import { PhraseCache } from './phrase-cache.ts';
import { parseWav } from '../../src/offline/tts/wav.ts';

function wav(pcm: Int16Array, rate: number): Uint8Array {
  const b = new Uint8Array(44 + pcm.length * 2);
  const dv = new DataView(b.buffer);
  const w = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) b[at + i] = s.charCodeAt(i);
  };
  w(0, 'RIFF');
  dv.setUint32(4, 36 + pcm.length * 2, true);
  w(8, 'WAVE');
  w(12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true);
  dv.setUint16(22, 1, true);
  dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 2, true);
  dv.setUint16(32, 2, true);
  dv.setUint16(34, 16, true);
  w(36, 'data');
  dv.setUint32(40, pcm.length * 2, true);
  pcm.forEach((v, i) => {
    dv.setInt16(44 + i * 2, v, true);
  });
  return b;
}

describe('pcm helpers', () => {
  it('parses a 16-bit WAV', () => {
    expect(parseWav(wav(Int16Array.from([1, -2, 3]), 16_000))).toEqual({
      pcm: Int16Array.from([1, -2, 3]),
      sampleRate: 16_000,
    });
    expect(() => parseWav(new Uint8Array(10))).toThrow();
  });

  it('upsamples a sine by 3 and keeps its amplitude', () => {
    const src = Int16Array.from({ length: 1600 }, (_, i) =>
      Math.round(10_000 * Math.sin((2 * Math.PI * 440 * i) / 16_000)),
    );
    const out = upsampleInt(src, 3);
    expect(out.length).toBe(4800);
    const mid = out.subarray(600, 4200);
    const peak = Math.max(...Array.from(mid, Math.abs));
    expect(peak).toBeGreaterThan(9_500);
    expect(peak).toBeLessThan(10_500);
    // Output sample 3i sits on input sample i.
    expect(Math.abs((out[3 * 800] ?? 0) - (src[800] ?? 0))).toBeLessThan(300);
    expect(resample(src, 16_000, 24_000).length).toBe(2400);
  });

  it('trims leading and trailing silence, keeping padding', () => {
    const pcm = Int16Array.from([0, 0, 0, 0, 900, 1000, 0, 0, 0]);
    expect(Array.from(trimSilence(pcm, 400, 1))).toEqual([0, 900, 1000, 0]);
    expect(trimSilence(new Int16Array(5), 400).length).toBe(0);
  });
});

describe('FliteTts', () => {
  it('synthesizes speech in-process from the npm package', () => {
    const speech = new FliteTts().synthesize('You spoke for 2.4 seconds.');
    expect(speech.sampleRate).toBe(16_000);
    const seconds = speech.pcm.length / speech.sampleRate;
    expect(seconds).toBeGreaterThan(1.5);
    expect(seconds).toBeLessThan(4);
    expect(Math.max(...Array.from(speech.pcm, Math.abs))).toBeGreaterThan(3_000);
  });

  it('is cached per phrase at the output rate; concurrent misses share one synthesis', async () => {
    let calls = 0;
    const tts = new FliteTts();
    const counting = {
      synthesize: (t: string) => {
        calls++;
        return tts.synthesize(t);
      },
    };
    const cache = new PhraseCache(counting, 48_000);
    const [a, b] = await Promise.all([cache.get('Hello.'), cache.get('Hello.')]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect(cache.has('Hello.')).toBe(true);
    expect(await cache.get('Hello.')).toBe(a);
    expect(cache.peek('Hello.')).toBe(a);
    expect(a.length / 48_000).toBeGreaterThan(0.2);
  });

  it('ThreadedFlite synthesizes in a worker thread', async () => {
    const t = new ThreadedFlite('slt');
    const [a, b] = await Promise.all([t.synthesize('First phrase.'), t.synthesize('Second phrase.')]);
    expect(t.threaded).toBe(true);
    expect(a.sampleRate).toBe(16_000);
    expect(a.pcm.length).toBeGreaterThan(8_000);
    expect(b.pcm.length).toBeGreaterThan(8_000);
    await t.close();
  });

  it('ThreadedFlite synthesizes in a worker thread under tsx (as in the agent job processes)', () => {
    const script = [
      "import { ThreadedFlite } from './server/tts/flite-threaded.ts';",
      "const t = new ThreadedFlite('slt');",
      "const s = await t.synthesize('Hello from the worker.');",
      'console.log(JSON.stringify({ threaded: t.threaded, samples: s.pcm.length }));',
      'await t.close();',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { threaded?: boolean; samples?: number };
    expect(r.threaded).toBe(true);
    expect(r.samples).toBeGreaterThan(8_000);
  }, 60_000);

  it('ThreadedFlite starts its built worker entry when bundled to JavaScript (as dist-server/ runs it)', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    mkdirSync(join(root, 'test-results'), { recursive: true });
    const dir = mkdtempSync(join(root, 'test-results', 'flite-bundle-'));
    try {
      const esbuild = await import('esbuild');
      writeFileSync(
        join(dir, 'entry.ts'),
        [
          `import { ThreadedFlite } from ${JSON.stringify(join(root, 'server/tts/flite-threaded.ts'))};`,
          "const t = new ThreadedFlite('slt');",
          "const s = await t.synthesize('Hello from the built worker.');",
          'console.log(JSON.stringify({ threaded: t.threaded, samples: s.pcm.length }));',
          'await t.close();',
        ].join('\n'),
      );
      await esbuild.build({
        entryPoints: { entry: join(dir, 'entry.ts'), 'flite-worker': join(root, 'server/tts/flite-worker.ts') },
        outdir: join(dir, 'out'),
        bundle: true,
        format: 'esm',
        platform: 'node',
        packages: 'external',
        logLevel: 'error',
      });
      const out = execFileSync(process.execPath, [join(dir, 'out', 'entry.js')], {
        cwd: root,
        encoding: 'utf8',
        timeout: 55_000,
      });
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { threaded?: boolean; samples?: number };
      expect(r.threaded).toBe(true);
      expect(r.samples).toBeGreaterThan(8_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
