/**
 * `npm run bench -- offline`: the on-device fallback (issue 7), everything real: Chromium with a fake mic,
 * the LiveKit server and the agent (for failover), the on-device engine in its worker (zipformer on
 * onnxruntime-web wasm, Flite through the WASI shim), replies through the playback worklet.
 *
 * - failover_ms_*: link death (SIGKILL of livekit-server) to the session answering with the on-device
 *   engine (its `mode: local` event; the engine is preloaded, the capture ring has been keeping the audio
 *   all along). `FAILOVER_TRIALS` kills, the server restarted after each and the session back on remote.
 * - local_v2v_ms_*: the session's own voice-to-voice metric (first reply sample played - speech end) on the
 *   12-turn `multiturn` fixture with `fallback: 'force'`; lost_samples: samples of those turns the ring no
 *   longer held when they were read back (must be 0).
 * - asr (in the browser, the real worker): WER (word errors / reference words, after normalising) and RTF
 *   (compute / audio) of the zipformer greedy, beam, and beam biased with the set's own sentences as
 *   declared phrases, on the espeak fixtures with text and on the 22 real recordings of ../shared/audio.
 * - asr_node: the same zipformer side by side with Whisper base (from PyPI, see bench/asr-node.ts) under
 *   onnxruntime-node, one thread each, in the same run.
 * - tts_first_audio_ms_*: request to PCM in the page for a reply's first sentence (Flite in the worker).
 * - model_bytes: every file the engine loads (what prepareOffline caches).
 *
 * Numbers, not assertions; writes bench/results/offline.json through scripts/bench.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import type { OfflineLab } from '../demo/offline-lab/lab.ts';
import { launchChromium } from '../e2e/browser.ts';
import { freeTcpPort, freeUdpPort, startLivekit, startStack, type LivekitHandle } from '../scripts/stack/index.ts';
import { wordErrors } from '../src/offline/asr/text.ts';
import { percentile } from '../src/metrics/percentile.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SHARED_AUDIO = join(root, '..', 'shared', 'audio');
const FAILOVER_TRIALS = 5;

interface LabWindow {
  offlineLab: OfflineLab;
}

interface DemoWindow {
  sottoDemo: {
    session: { mode: string; localTransport: { engineInfo: { loadMs: number } | null } | null } | null;
    modes: { mode: string; reason: string; time: number }[];
    metrics: { mode?: string; stages: Record<string, number | undefined> }[];
    localTurnAudio: { samples: number; lostSamples: number }[];
    errors: { code: string; message: string }[];
  };
}

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const pct = (xs: number[], p: number): number | null => (xs.length ? round(percentile(xs, p)) : null);

async function waitFor(page: Page, pred: string, timeoutMs: number): Promise<void> {
  await page.waitForFunction(`(() => { const d = window.sottoDemo; return Boolean(d && (${pred})); })()`, null, {
    timeout: timeoutMs,
  });
}

// --- ASR and TTS in the browser ---------------------------------------------------------------------

interface Clip {
  url: string;
  text: string;
}

function espeakClips(): Clip[] {
  const m = JSON.parse(readFileSync(join(root, '.fixtures', 'vad', 'manifest.json'), 'utf8')) as {
    fixtures: { file: string; text?: string | null }[];
  };
  return m.fixtures
    .filter((f) => f.text)
    .map((f) => ({ url: `/@fs${join(root, '.fixtures', 'vad', f.file)}`, text: (f.text ?? '').replace(/…/g, '') }));
}

function realClips(): Clip[] {
  const m = JSON.parse(readFileSync(join(SHARED_AUDIO, 'manifest.json'), 'utf8')) as {
    file: string;
    transcript_normalized: string;
  }[];
  // Served by a route of the page (../shared is outside the dev server's root).
  return m.map((e) => ({ url: `/bench-shared-audio/${e.file}`, text: e.transcript_normalized }));
}

async function asrInBrowser(page: Page): Promise<Record<string, unknown>> {
  const sets = { espeak: espeakClips(), real: realClips() };
  const out: Record<string, unknown> = {};
  for (const [name, clips] of Object.entries(sets)) {
    const phrases = clips.map((c) => c.text);
    const runs = [
      { label: 'zipformer_greedy', options: { search: 'greedy' as const } },
      { label: 'zipformer_beam', options: { search: 'beam' as const } },
      { label: 'zipformer_beam_phrases', options: { search: 'beam' as const, phrases } },
    ];
    const r = await page.evaluate(([urls, rs]) => (window as unknown as LabWindow).offlineLab.recognise(urls, rs), [
      clips.map((c) => c.url),
      runs,
    ] as const);
    const bySet: Record<string, unknown> = {};
    for (const run of runs) {
      let errors = 0;
      let words = 0;
      let compute = 0;
      let audio = 0;
      const ms: number[] = [];
      const perClip: { clip: string; ref: string; hyp: string; errors: number }[] = [];
      for (const res of r.results.filter((x) => x.label === run.label)) {
        const clip = clips.find((c) => c.url === res.url);
        if (!clip) continue;
        const e = wordErrors(clip.text, res.r.text);
        errors += e.errors;
        words += e.words;
        compute += res.r.computeMs;
        audio += res.r.audioMs;
        ms.push(res.r.computeMs);
        perClip.push({ clip: clip.url.split('/').pop() ?? '', ref: clip.text, hyp: res.r.text, errors: e.errors });
      }
      bySet[run.label] = {
        wer: round(errors / Math.max(1, words), 3),
        rtf: round(compute / Math.max(1, audio), 4),
        compute_ms_p50: pct(ms, 50),
        compute_ms_p95: pct(ms, 95),
        clips: perClip.length,
        words,
        per_clip: perClip,
      };
    }
    out[name] = { ...bySet, engine_load_ms: round(r.loadMs) };
  }
  return out;
}

async function engineFacts(browser: Browser, demoUrl: string): Promise<Record<string, unknown>> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await context.route('**/bench-shared-audio/**', async (route) => {
    const file = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
    await route.fulfill({ path: join(SHARED_AUDIO, file), contentType: 'audio/wav' });
  });
  try {
    await page.goto(new URL('offline-lab/', demoUrl).toString());
    await page.waitForFunction(() => (window as unknown as Partial<LabWindow>).offlineLab?.ready);
    await page.evaluate(() => (window as unknown as LabWindow).offlineLab.clearCache());
    const prep = await page.evaluate(() => (window as unknown as LabWindow).offlineLab.prepare());
    const modelBytes = Object.fromEntries(prep.result.files.map((f) => [f.name, f.bytes]));
    // A start from the cache, as after a reload while offline.
    const started = await page.evaluate(() => (window as unknown as LabWindow).offlineLab.start());
    await page.evaluate(() => (window as unknown as LabWindow).offlineLab.stop());
    const asr = await asrInBrowser(page);
    const replies = [
      'It is 10:42.',
      "I'm offline right now, so I can't help with that yet.",
      'Hello! I am offline at the moment, but I can still help with a few things.',
      "You're welcome.",
      'Today is Thursday, December 3.',
    ];
    const tts: { ms: number; synthMs: number; audioMs: number }[] = [];
    for (let i = 0; i < 4; i++) {
      tts.push(...(await page.evaluate((t) => (window as unknown as LabWindow).offlineLab.synthesis(t), replies)));
    }
    const ms = tts.map((t) => t.ms);
    return {
      model_bytes: modelBytes,
      model_bytes_total: prep.result.totalBytes,
      engine_start_from_cache_ms: started.ok ? round(started.connectMs) : null,
      engine_start_error: started.ok ? null : started.message,
      asr,
      tts_first_audio_ms_p50: pct(ms, 50),
      tts_first_audio_ms_p95: pct(ms, 95),
      tts_synth_ms_p50: pct(
        tts.map((t) => t.synthMs),
        50,
      ),
      tts_samples: tts.length,
    };
  } finally {
    await context.close();
  }
}

// --- the session: local voice-to-voice, failover ----------------------------------------------------

async function localTurns(demoUrl: string): Promise<Record<string, unknown>> {
  const browser = await launchChromium({ wav: join(root, '.fixtures', 'multiturn.wav') });
  try {
    const page = await browser.newPage();
    await page.goto(new URL('?fallback=force', demoUrl).toString());
    await page.click('#connect');
    // 12 turns, 7 s apart; the last reply may still be coming.
    await waitFor(page, "d.metrics.filter((m) => m.mode === 'local').length >= 12", 150_000).catch(() => undefined);
    await page.waitForTimeout(3000);
    const d = await page.evaluate(() => {
      const s = (window as unknown as DemoWindow).sottoDemo;
      return { metrics: s.metrics, audio: s.localTurnAudio, errors: s.errors };
    });
    const local = d.metrics.filter((m) => m.mode === 'local');
    const v2v = local.map((m) => m.stages.voice_to_voice).filter((x): x is number => x !== undefined);
    const firstAudio = local.map((m) => m.stages.first_audio).filter((x): x is number => x !== undefined);
    return {
      turns: local.length,
      local_v2v_ms_p50: pct(v2v, 50),
      local_v2v_ms_p95: pct(v2v, 95),
      local_first_audio_ms_p50: pct(firstAudio, 50),
      local_first_audio_ms_p95: pct(firstAudio, 95),
      lost_samples: d.audio.reduce((n, a) => n + a.lostSamples, 0),
      turn_audio_samples: d.audio.reduce((n, a) => n + a.samples, 0),
      errors: d.errors,
    };
  } finally {
    await browser.close();
  }
}

async function failover(): Promise<Record<string, unknown>> {
  const runDir = join(root, 'test-results', `bench-offline-${String(process.pid)}`);
  const livekitPort = await freeTcpPort();
  const rtcPort = await freeUdpPort();
  const stack = await startStack({ root, runDir, livekitPort, rtcPort, demoPort: await freeTcpPort(), watch: false });
  const keys = { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret };
  let livekit: LivekitHandle = stack.livekit;
  // Silence on the mic (a clip of the fixture that never speaks): only the link matters here.
  const browser = await launchChromium();
  const ms: number[] = [];
  const backMs: number[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${stack.demo.url}?fallback=auto&endpointing=manual`);
    await page.click('#connect');
    await waitFor(page, "d.session?.state === 'listening' && d.session.localTransport !== null", 60_000);
    const engineLoadMs = await page.evaluate(
      () => (window as unknown as DemoWindow).sottoDemo.session?.localTransport?.engineInfo?.loadMs ?? null,
    );
    for (let i = 0; i < FAILOVER_TRIALS; i++) {
      const before = await page.evaluate(() => (window as unknown as DemoWindow).sottoDemo.modes.length);
      const t0 = await page.evaluate(() => performance.now());
      await livekit.kill('SIGKILL');
      await waitFor(page, `d.modes.length > ${String(before)} && d.modes.at(-1).mode === 'local'`, 30_000);
      const t1 = await page.evaluate(() => performance.now());
      ms.push(t1 - t0);
      livekit = await startLivekit({ root, runDir, port: livekitPort, rtcPort, keys });
      await waitFor(page, `d.modes.length > ${String(before + 1)} && d.modes.at(-1).mode === 'remote'`, 90_000);
      backMs.push((await page.evaluate(() => performance.now())) - t1);
    }
    const reasons = await page.evaluate(() =>
      (window as unknown as DemoWindow).sottoDemo.modes.filter((m) => m.mode === 'local').map((m) => m.reason),
    );
    return {
      trials: ms.length,
      failover_ms_p50: pct(ms, 50),
      failover_ms_p95: pct(ms, 95),
      failover_ms: ms.map((x) => round(x)),
      reasons,
      back_to_remote_ms_p50: pct(backMs, 50),
      engine_load_ms_when_preloaded: engineLoadMs,
    };
  } finally {
    await browser.close();
    await livekit.stop().catch(() => undefined);
    await stack.stop();
  }
}

export async function runOfflineBench(): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  // The Node comparison first, alone on the machine (it may fetch and convert Whisper base once).
  const { runNodeAsrComparison } = await import('./asr-node.ts');
  const asrNode = await runNodeAsrComparison().catch((e: unknown) => ({ error: String(e) }));
  const fail = await failover();
  const stack = await startStack({
    root,
    runDir: join(root, 'test-results', `bench-offline-b-${String(process.pid)}`),
    livekitPort: await freeTcpPort(),
    rtcPort: await freeUdpPort(),
    demoPort: await freeTcpPort(),
    watch: false,
  });
  try {
    const browser = await launchChromium();
    let engine: Record<string, unknown>;
    try {
      engine = await engineFacts(browser, stack.demo.url);
    } finally {
      await browser.close();
    }
    const turns = await localTurns(stack.demo.url);
    return {
      failover_ms_p50: fail.failover_ms_p50,
      failover_ms_p95: fail.failover_ms_p95,
      local_v2v_ms_p50: turns.local_v2v_ms_p50,
      local_v2v_ms_p95: turns.local_v2v_ms_p95,
      lost_samples: turns.lost_samples,
      tts_first_audio_ms_p50: engine.tts_first_audio_ms_p50,
      tts_first_audio_ms_p95: engine.tts_first_audio_ms_p95,
      model_bytes_total: engine.model_bytes_total,
      failover: fail,
      local_turns: turns,
      engine,
      asr_node: asrNode,
      setup: {
        failover:
          'livekit-server SIGKILLed while a session (fallback auto, engine preloaded, defaults failoverMs 1500 / recoverMs 3000) is idle on the remote agent; ms from the kill to the mode:local event (page performance.now()); the server is restarted on the same ports and the session returns to remote before the next trial',
        local_turns:
          "demo page, fallback 'force', client endpointing (silenceMs 500), the 12-sentence multiturn fixture on the fake mic; voice_to_voice = first reply sample through the playback worklet - speech end (endpointer), both on the AudioContext clock",
        asr: 'offlineLab.recognise in Chromium: one WorkerEngine (onnxruntime-web wasm, 1 thread), one warm-up run, then every clip with every configuration; audio decoded to 16 kHz by an OfflineAudioContext',
        wall_s: round((performance.now() - t0) / 1000),
      },
    };
  } finally {
    await stack.stop();
  }
}
