/**
 * Offline engine lab: drives {@link LocalTransport} (real worker, onnxruntime-web, Flite) and the engine
 * itself for the browser tests and the benchmark (`window.offlineLab`). Every function returns plain data;
 * times are on the AudioContext clock (s) unless named `*Ms`/`wall`.
 */
import { gigaspeech3mAssets, type OfflineModelConfig } from '../../src/offline/config.ts';
import type { AsrOptions, OfflineEngineInfo } from '../../src/offline/engine.ts';
import { LocalTransport } from '../../src/offline/local-transport.ts';
import { prepareOffline, type AssetProgress, type PrepareResult } from '../../src/offline/prepare.ts';
import type { OfflineTurn, Recognition } from '../../src/offline/types.ts';
import { WorkerEngine } from '../../src/offline/worker-engine.ts';
import { isSottoError } from '../../src/errors.ts';
import type { ServerEvent } from '../../src/protocol/index.ts';
import type { PlaybackNode, PlayedCount } from '../../src/audio/playback-node.ts';

export const MODEL_BASE = '/models/kws-zipformer-gigaspeech-3.3M/';

export interface LabEvent {
  type: string;
  /** AudioContext time at arrival (s). */
  at: number;
  /** performance.now() at arrival (ms). */
  wall: number;
  payload: unknown;
}

export interface StartOptions {
  phrases?: string[];
  asr?: Omit<AsrOptions, 'phrases'>;
  /** A fixed reply instead of the default responder. */
  reply?: string;
  /** Model config override (e.g. a wrong URL). */
  models?: OfflineModelConfig;
}

export interface TurnOptions {
  /** Send `output_audio_buffer.clear` this long after the reply started playing (barge-in). */
  bargeInAfterMs?: number;
  /** Time out waiting for response.done, ms. Default 30000. */
  timeoutMs?: number;
}

export interface TurnResult {
  events: LabEvent[];
  /** AudioContext time of `submitTurn`. */
  submitAt: number;
  /** AudioContext time of the first reply sample played (PlaybackNode `started`), or null. */
  startedAt: number | null;
  transcript: string | null;
  responseId: string | null;
  played: PlayedCount | null;
  /** Played counters 100 and 300 ms after the flush (barge-in): equal when output stopped. */
  playedAfterFlush: { ms100: PlayedCount | null; ms300: PlayedCount | null } | null;
  /** The `interrupted` report of the PlaybackNode (barge-in). */
  interrupted: { playedMs: number; playedSamples: number; time: number } | null;
  /** AudioContext time when the clear was sent. */
  flushAt: number | null;
  conversation: OfflineTurn[];
}

const models = (): OfflineModelConfig => ({ asr: gigaspeech3mAssets(MODEL_BASE) });

let ctx: AudioContext | null = null;
let transport: LocalTransport | null = null;
let events: LabEvent[] = [];

function log(line: string): void {
  const el = document.getElementById('log');
  if (el) el.textContent += `${line}\n`;
}

function context(): AudioContext {
  ctx ??= new AudioContext({ latencyHint: 'interactive' });
  return ctx;
}

function record(type: string, payload: unknown): void {
  const p =
    payload instanceof Error ? { code: (payload as { code?: string }).code, message: payload.message } : payload;
  events.push({ type, at: context().currentTime, wall: performance.now(), payload: p });
}

/** 16 kHz mono samples of a WAV URL. */
async function decode16k(url: string): Promise<Float32Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const off = new OfflineAudioContext(1, 1, 16_000);
  const buf = await off.decodeAudioData(await res.arrayBuffer());
  return buf.getChannelData(0).slice();
}

function nextServer(type: ServerEvent['type'], timeoutMs: number): Promise<ServerEvent> {
  const t = transport;
  if (!t) return Promise.reject(new Error('not started'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = t.on('server_event', (e) => {
      if (e.type !== type) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

const lab = {
  ready: true,
  modelBase: MODEL_BASE,

  /** prepareOffline() with the lab's config; returns the result and the last progress of each file. */
  async prepare(): Promise<{ result: PrepareResult; progress: AssetProgress[]; steps: number }> {
    const last = new Map<string, AssetProgress>();
    let steps = 0;
    const result = await prepareOffline(models(), {
      onProgress: (p) => {
        steps++;
        last.set(p.name, p);
      },
    });
    log(`prepared ${result.totalBytes} bytes (${result.downloadedBytes} downloaded)`);
    return { result, progress: [...last.values()], steps };
  },

  /** Starts a LocalTransport; resolves with the engine info, or the error code. */
  async start(
    o: StartOptions = {},
  ): Promise<{ ok: true; info: OfflineEngineInfo; connectMs: number } | { ok: false; code: string; message: string }> {
    await lab.stop();
    events = [];
    const ac = context();
    await ac.resume();
    const t = new LocalTransport({
      models: o.models ?? models(),
      audioContext: ac,
      phrases: o.phrases ?? [],
      ...(o.asr ? { asr: o.asr } : {}),
      ...(o.reply !== undefined ? { onOfflineTurn: () => o.reply ?? '' } : {}),
    });
    t.on('server_event', (e) => {
      record(`server:${e.type}`, e);
    });
    t.on('status', (s) => {
      record('status', s);
    });
    t.on('error', (e) => {
      record('error', e);
    });
    const t0 = performance.now();
    try {
      // The local transport never reads the mic track (turns come via submitTurn); any track will do.
      const micTrack = ac.createMediaStreamDestination().stream.getAudioTracks()[0];
      if (!micTrack) throw new Error('no track');
      await t.connect({ micTrack });
    } catch (e) {
      return { ok: false, code: isSottoError(e) ? e.code : 'unknown', message: String(e) };
    }
    transport = t;
    const node = t.output as PlaybackNode;
    for (const name of ['started', 'drained', 'interrupted', 'underrun'] as const) {
      node.on(name, (p) => {
        record(`playback:${name}`, p);
      });
    }
    const info = t.engineInfo;
    if (!info) throw new Error('no engine info');
    log(`engine ready in ${Math.round(performance.now() - t0)} ms`);
    return { ok: true, info, connectMs: performance.now() - t0 };
  },

  /** One spoken turn from a WAV URL: submit, commit, response.create; waits for response.done. */
  async turn(url: string, o: TurnOptions = {}): Promise<TurnResult> {
    const t = transport;
    const ac = context();
    if (!t) throw new Error('not started');
    const audio = await decode16k(url);
    const from = events.length;
    const timeoutMs = o.timeoutMs ?? 30_000;
    const done = nextServer('response.done', timeoutMs);
    const started = nextServer('output_audio_buffer.started', timeoutMs).catch(() => null);
    const submitAt = ac.currentTime;
    await t.submitTurn(audio);
    await t.send({ type: 'input_audio_buffer.commit' });
    await t.send({ type: 'response.create' });
    let flushAt: number | null = null;
    let playedAfterFlush: TurnResult['playedAfterFlush'] = null;
    let responseId: string | null = null;
    if (o.bargeInAfterMs !== undefined) {
      const s = await started;
      if (s?.type === 'output_audio_buffer.started') {
        responseId = s.response_id;
        await new Promise((r) => setTimeout(r, o.bargeInAfterMs));
        flushAt = ac.currentTime;
        const item = t.activeResponse?.itemId;
        await t.send({ type: 'output_audio_buffer.clear' });
        await new Promise((r) => setTimeout(r, 100));
        const ms100 = t.played(s.response_id);
        await new Promise((r) => setTimeout(r, 200));
        playedAfterFlush = { ms100, ms300: t.played(s.response_id) };
        const heard = t.played(s.response_id);
        if (item && heard) {
          await t.send({
            type: 'conversation.item.truncate',
            item_id: item,
            content_index: 0,
            audio_end_ms: Math.floor(heard.ms),
          });
        }
      }
    }
    const d = await done;
    if (d.type === 'response.done') responseId = d.response.id;
    await new Promise((r) => setTimeout(r, 50));
    const mine = events.slice(from);
    const startedEv = mine.find((e) => e.type === 'playback:started');
    const interruptedEv = mine.find((e) => e.type === 'playback:interrupted');
    const transcriptEv = mine.find((e) => e.type === 'server:conversation.item.input_audio_transcription.completed');
    return {
      events: mine,
      submitAt,
      startedAt: startedEv ? (startedEv.payload as { time: number }).time : null,
      transcript: transcriptEv ? (transcriptEv.payload as { transcript: string }).transcript : null,
      responseId,
      played: responseId ? t.played(responseId) : null,
      playedAfterFlush,
      interrupted: interruptedEv ? (interruptedEv.payload as TurnResult['interrupted']) : null,
      flushAt,
      conversation: t.conversation(),
    };
  },

  async stop(): Promise<void> {
    await transport?.close();
    transport = null;
  },

  /** Recognises each URL with one engine (its own worker): text and timing per file, for WER and RTF. */
  async recognise(
    urls: string[],
    runs: { label: string; options: AsrOptions }[],
  ): Promise<{ loadMs: number; results: { label: string; url: string; r: Recognition }[] }> {
    const engine = new WorkerEngine(models());
    try {
      const info = await engine.load();
      // One warm-up run: the first inference pays for kernel set-up.
      const first = urls[0];
      if (first) await engine.transcribe(await decode16k(first), {});
      const results: { label: string; url: string; r: Recognition }[] = [];
      for (const url of urls) {
        const audio = await decode16k(url);
        for (const run of runs) results.push({ label: run.label, url, r: await engine.transcribe(audio, run.options) });
      }
      return { loadMs: info.loadMs, results };
    } finally {
      await engine.close();
    }
  },

  /** Synthesises each text (first piece of a reply) in the worker: ms from request to PCM in the page. */
  async synthesis(texts: string[]): Promise<{ text: string; ms: number; synthMs: number; audioMs: number }[]> {
    const engine = new WorkerEngine(models());
    try {
      await engine.load();
      await engine.synthesize('warm up', 0, 'slt');
      const out: { text: string; ms: number; synthMs: number; audioMs: number }[] = [];
      for (const text of texts) {
        const t0 = performance.now();
        const p = await engine.synthesize(text, 0, 'slt');
        out.push({
          text,
          ms: performance.now() - t0,
          synthMs: p.synthMs,
          audioMs: (p.pcm.length * 1000) / p.sampleRate,
        });
      }
      return out;
    } finally {
      await engine.close();
    }
  },

  /** Deletes the offline cache (a fresh start). */
  async clearCache(): Promise<boolean> {
    return caches.delete('sotto-offline-v1');
  },
};

export type OfflineLab = typeof lab;
(window as unknown as { offlineLab: OfflineLab }).offlineLab = lab;
log('lab ready');
