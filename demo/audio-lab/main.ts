/**
 * Audio engine lab: the capture and playback worklets in a real AudioContext, for the e2e tests and the
 * audio benchmark (`window.audioLab`). Not part of the SDK.
 */
import { CaptureNode } from '../../src/audio/capture-node.ts';
import { CaptureProbe } from '../../src/audio/capture-protocol.ts';
import { PlaybackNode } from '../../src/audio/playback-node.ts';

interface CaptureRun {
  path: string;
  contextRate: number;
  inputChannels: number;
  seconds: number;
  /** AudioContext seconds from the mic opening to the read-back. */
  elapsed: number;
  written: number;
  nonFinite: number;
  overruns: number;
  /** Context time of the first sample above -30 dBFS, minus the context time when the mic opened. */
  onsetAfterOpen: number | null;
}

async function openMic(ctx: AudioContext): Promise<{ stream: MediaStream; openedAt: number }> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  return { stream, openedAt: ctx.currentTime };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Captures the fake mic for `seconds` and reads the ring back. */
async function capture(opts: {
  seconds: number;
  contextRate?: number;
  forceMessagePort?: boolean;
}): Promise<CaptureRun> {
  const ctx = new AudioContext(opts.contextRate ? { sampleRate: opts.contextRate } : {});
  await ctx.resume();
  const cap = await CaptureNode.create(ctx, { forceMessagePort: opts.forceMessagePort ?? false });
  const { stream, openedAt } = await openMic(ctx);
  const src = ctx.createMediaStreamSource(stream);
  src.connect(cap.input);
  const reader = cap.reader();
  reader.seek(reader.oldestPosition());
  await sleep(opts.seconds * 1000);
  const stats = cap.stats();
  const elapsed = ctx.currentTime - openedAt;
  const all = new Float32Array(reader.available());
  const n = reader.read(all);
  let onset: number | null = null;
  for (let i = 0; i < n; i++) {
    if (Math.abs(all[i] ?? 0) > 0.0316) {
      onset = reader.timeOfPosition(reader.lastReadStart + i) - openedAt;
      break;
    }
  }
  const run: CaptureRun = {
    path: stats.path,
    contextRate: ctx.sampleRate,
    inputChannels: stream.getAudioTracks()[0]?.getSettings().channelCount ?? 0,
    seconds: opts.seconds,
    elapsed,
    written: stats.written,
    nonFinite: stats.nonFinite,
    overruns: reader.overrunCount,
    onsetAfterOpen: onset,
  };
  for (const t of stream.getTracks()) t.stop();
  cap.close();
  await ctx.close();
  return run;
}

interface PlaybackRun {
  contextRate: number;
  pushed: number;
  played: number;
  started: number;
  drained: number;
  underruns: number;
  droppedChunks: number;
  errors: string[];
}

/** Plays a 440 Hz tone of `ms` at `rate` Hz in seeded random chunk sizes; waits for it to drain. */
async function playTone(opts: { ms: number; rate: number; seed?: number }): Promise<PlaybackRun> {
  const ctx = new AudioContext();
  await ctx.resume();
  const pb = await PlaybackNode.create(ctx);
  pb.output.connect(ctx.destination);
  const run: PlaybackRun = {
    contextRate: ctx.sampleRate,
    pushed: 0,
    played: 0,
    started: 0,
    drained: 0,
    underruns: 0,
    droppedChunks: 0,
    errors: [],
  };
  pb.on('started', () => run.started++);
  pb.on('underrun', () => run.underruns++);
  const drained = pb.next('drained', opts.ms + 5000);
  const total = Math.round((opts.rate * opts.ms) / 1000);
  let seed = opts.seed ?? 1;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let at = 0; at < total;) {
    const n = Math.min(total - at, 1 + Math.floor(rnd() * 2000));
    const chunk = new Int16Array(n);
    for (let i = 0; i < n; i++) chunk[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (at + i)) / opts.rate));
    pb.push('r1', chunk, opts.rate);
    at += n;
  }
  pb.push('r1', new Int16Array(0), opts.rate);
  pb.end('r1');
  pb.push('r1', new Int16Array(100), opts.rate); // after end: dropped and counted
  try {
    const d = await drained;
    run.drained = 1;
    run.played = d.playedSamples;
  } catch (e) {
    run.errors.push(String(e));
  }
  run.pushed = pb.pushed('r1');
  run.droppedChunks = pb.droppedChunks;
  pb.close();
  await ctx.close();
  return run;
}

interface FlushRun {
  /** Render quanta between the flush() call and the quantum that faded out. */
  quantaToSilence: number;
  /** ms from the flush() call to the end of the fade (the next quantum is silent). */
  flushToSilenceMs: number;
  playedMs: number;
  playedReadBack: number | null;
  pushedChunksAfterFlushDropped: number;
}

/** Plays a long tone, flushes it mid-way, and measures on the audio clock how fast it went silent. */
async function flushTone(opts: { afterMs: number }): Promise<FlushRun> {
  const ctx = new AudioContext();
  await ctx.resume();
  const pb = await PlaybackNode.create(ctx);
  pb.output.connect(ctx.destination);
  const rate = ctx.sampleRate;
  const tone = new Float32Array(rate * 3);
  for (let i = 0; i < tone.length; i++) tone[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate);
  const started = pb.next('started', 5000);
  pb.push('r1', tone, rate);
  await started;
  await sleep(opts.afterMs);
  const interrupted = pb.next('interrupted', 5000);
  // The frame the audio thread is at when flush() is called: the flag is read at the next quantum.
  const callTime = ctx.currentTime;
  pb.flush();
  const ev = await interrupted;
  pb.push('r1', tone.subarray(0, 1000), rate);
  const quantum = 128 / rate;
  const run: FlushRun = {
    quantaToSilence: Math.round((ev.time - callTime) / quantum) + 1,
    flushToSilenceMs: (ev.time + quantum - callTime) * 1000,
    playedMs: ev.playedMs,
    playedReadBack: pb.played('r1')?.ms ?? null,
    pushedChunksAfterFlushDropped: pb.droppedChunks,
  };
  pb.close();
  await ctx.close();
  return run;
}

/** Bad input: an unknown rate throws a typed error; non-finite samples play as silence, not a crash. */
async function badInput(): Promise<{ rateError: string | null; nonFiniteStillPlays: boolean }> {
  const ctx = new AudioContext();
  await ctx.resume();
  const pb = await PlaybackNode.create(ctx);
  pb.output.connect(ctx.destination);
  let rateError: string | null = null;
  try {
    pb.push('x', new Float32Array(10), 7000);
  } catch (e) {
    const err = e as { code?: string; name?: string };
    rateError = `${err.name ?? ''}:${err.code ?? ''}`;
  }
  const junk = new Float32Array(4800).fill(Number.NaN);
  junk.fill(Number.POSITIVE_INFINITY, 0, 100);
  const drained = pb.next('drained', 5000);
  pb.push('y', junk, ctx.sampleRate);
  pb.end('y');
  const nonFiniteStillPlays = await drained.then(
    () => true,
    () => false,
  );
  pb.close();
  await ctx.close();
  return { rateError, nonFiniteStillPlays };
}

/** Capture-to-consumer latency: ms from the worklet's ring write to a worker reading it. */
async function captureLatency(opts: { seconds: number }): Promise<{ latencies: number[]; missing: number }> {
  const ctx = new AudioContext();
  await ctx.resume();
  const probe = new SharedArrayBuffer(CaptureProbe.bytes);
  const cap = await CaptureNode.create(ctx, { probe });
  const { stream } = await openMic(ctx);
  ctx.createMediaStreamSource(stream).connect(cap.input);
  const worker = new Worker(new URL('./latency-worker.ts', import.meta.url), { type: 'module' });
  const result = new Promise<{ latencies: number[]; missing: number }>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ latencies: number[]; missing: number }>) => {
      resolve(e.data);
    };
    worker.onerror = (e) => {
      reject(new Error(e.message));
    };
  });
  worker.postMessage({ storage: cap.storage, probe, seconds: opts.seconds });
  const r = await result;
  worker.terminate();
  for (const t of stream.getTracks()) t.stop();
  cap.close();
  await ctx.close();
  return r;
}

(window as unknown as { audioLab: unknown }).audioLab = { capture, captureLatency, playTone, flushTone, badInput };
