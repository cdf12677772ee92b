/**
 * The audio engine's worklet shells in Chromium with the fake mic and a real AudioContext: capture into
 * the ring on both paths (shared memory and MessagePort) at 48 and 44.1 kHz, playback through the jitter
 * buffer with exact played-sample counts, flush within a render quantum, and bad input.
 */
import { expect, test, type Page } from '@playwright/test';
import { demoUrl, fixture, launchChromium } from './browser.ts';

interface Lab {
  audioLab: {
    capture(o: { seconds: number; contextRate?: number; forceMessagePort?: boolean }): Promise<{
      path: string;
      contextRate: number;
      elapsed: number;
      written: number;
      nonFinite: number;
      overruns: number;
      onsetAfterOpen: number | null;
    }>;
    playTone(o: { ms: number; rate: number; seed?: number }): Promise<{
      contextRate: number;
      pushed: number;
      played: number;
      started: number;
      drained: number;
      underruns: number;
      droppedChunks: number;
      errors: string[];
    }>;
    flushTone(o: { afterMs: number }): Promise<{
      quantaToSilence: number;
      flushToSilenceMs: number;
      playedMs: number;
      playedReadBack: number | null;
      pushedChunksAfterFlushDropped: number;
    }>;
    badInput(): Promise<{ rateError: string | null; nonFiniteStillPlays: boolean }>;
  };
}

async function lab(wav = fixture('hello')): Promise<{ page: Page; close: () => Promise<void> }> {
  const browser = await launchChromium({ wav });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(demoUrl('audio-lab/'));
  await page.waitForFunction(() => 'audioLab' in window);
  return {
    page,
    close: async () => {
      await browser.close();
      expect(errors).toEqual([]);
    },
  };
}

test.describe('capture worklet', () => {
  for (const [name, opts] of [
    ['shared memory, 48 kHz context', { seconds: 2.5, contextRate: 48_000 }],
    ['MessagePort path, 48 kHz context', { seconds: 2.5, contextRate: 48_000, forceMessagePort: true }],
    ['shared memory, 44.1 kHz context', { seconds: 2.5, contextRate: 44_100 }],
  ] as const) {
    test(`fills the 16 kHz ring with time-stamped audio (${name})`, async () => {
      const { page, close } = await lab();
      try {
        const r = await page.evaluate((o) => (window as unknown as Lab).audioLab.capture(o), opts);
        console.log(JSON.stringify(r));
        expect(r.path).toBe('forceMessagePort' in opts ? 'port' : 'shared');
        expect(r.contextRate).toBe(opts.contextRate);
        // 16 000 samples per second of audio clock since the mic opened (the worklet ran a few quanta
        // before that, with no input yet).
        expect(r.written).toBeGreaterThan(16_000 * (r.elapsed - 0.1));
        expect(r.written).toBeLessThan(16_000 * (r.elapsed + 0.3));
        expect(r.nonFinite).toBe(0);
        expect(r.overruns).toBe(0);
        // The fixture's speech starts 1.0 s into the file; on the AudioContext clock it lands there too.
        expect(r.onsetAfterOpen).not.toBeNull();
        expect(r.onsetAfterOpen ?? 0).toBeGreaterThan(0.9);
        expect(r.onsetAfterOpen ?? 0).toBeLessThan(1.25);
      } finally {
        await close();
      }
    });
  }
});

test.describe('playback worklet', () => {
  test('plays a 24 kHz response in random chunk sizes and counts every sample', async () => {
    const { page, close } = await lab();
    try {
      const r = await page.evaluate(() => (window as unknown as Lab).audioLab.playTone({ ms: 1500, rate: 24_000 }));
      console.log(JSON.stringify(r));
      expect(r.errors).toEqual([]);
      expect(r.started).toBe(1);
      expect(r.drained).toBe(1);
      // 1.5 s resampled to the context rate, every sample heard exactly once.
      expect(Math.abs(r.pushed - 1.5 * r.contextRate)).toBeLessThanOrEqual(2);
      expect(r.played).toBe(r.pushed);
      expect(r.droppedChunks).toBe(1); // the chunk pushed after end()
    } finally {
      await close();
    }
  });

  test('flush() silences output within one render quantum and reports the truncation point', async () => {
    const { page, close } = await lab();
    try {
      const r = await page.evaluate(() => (window as unknown as Lab).audioLab.flushTone({ afterMs: 400 }));
      console.log(JSON.stringify(r));
      expect(r.quantaToSilence).toBeLessThanOrEqual(2);
      expect(r.playedMs).toBeGreaterThan(300);
      expect(r.playedMs).toBeLessThan(1500);
      expect(r.playedReadBack).toBeCloseTo(r.playedMs, 6);
      expect(r.pushedChunksAfterFlushDropped).toBe(1);
    } finally {
      await close();
    }
  });

  test('bad input: unknown rate is a typed error; non-finite samples never crash the audio thread', async () => {
    const { page, close } = await lab();
    try {
      const r = await page.evaluate(() => (window as unknown as Lab).audioLab.badInput());
      expect(r).toEqual({ rateError: 'SottoError:internal', nonFiniteStillPlays: true });
    } finally {
      await close();
    }
  });
});
