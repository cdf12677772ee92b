/**
 * LiveKit's open audio end-of-turn model "v1-mini" as a turn model for bench/turns.ts, in Node, through
 * `@livekit/agents`' own turn-detection API (its model licence allows use only with the Agents framework):
 * `inference.TurnDetector({ version: 'v1-mini' })`, one stream per question, audio pushed as
 * `AudioFrame`s, `stream.predict()`. The executor is the framework's own `EotRunner` (the class its job
 * process registers for local inference, over `@livekit/local-inference`), run in this process instead of
 * the agent worker's inference process. The detector keeps the last 1.2 s of 16 kHz int16 audio.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inference, initializeLogger } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import type { TurnModel } from './turns-policy.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Runner {
  initialize(): Promise<void>;
  run(data: { pcm: string }): Promise<{ probability: number; inferenceDurationMs: number }>;
  close(): Promise<void>;
}

/** What LiveKit's detector buffers (CLIENT_BUFFER_SECONDS in its transports). */
const CONTEXT_SAMPLES = 19_200;

export interface LivekitTurnModel {
  predict: TurnModel;
  /** LiveKit's default "unlikely" threshold for English (below it, the agent waits `maxDelay`). */
  threshold: number;
  model: string;
  /** Inference time of every question (the runner's own measure), ms. */
  inferenceMs: number[];
  close(): Promise<void>;
}

function toInt16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round((x[i] ?? 0) * 32768)));
  return out;
}

export async function livekitTurnModel(): Promise<LivekitTurnModel> {
  initializeLogger({ pretty: false, level: 'warn' });
  // Not in the package's export map: loaded by path, as the agents worker registers it by URL.
  const runnerUrl = pathToFileURL(join(root, 'node_modules/@livekit/agents/dist/inference/eot/runner.js')).href;
  const mod = (await import(runnerUrl)) as { default: new () => Runner };
  const runner = new mod.default();
  await runner.initialize();
  const inferenceMs: number[] = [];
  const executor = {
    doInference: async (_method: string, data: unknown): Promise<unknown> => {
      const out = await runner.run(data as { pcm: string });
      inferenceMs.push(out.inferenceDurationMs);
      return out;
    },
  };
  const detector = new inference.TurnDetector({ version: 'v1-mini', executor });
  const threshold = await detector.unlikelyThreshold('en' as Parameters<typeof detector.unlikelyThreshold>[0]);
  if (threshold === undefined) throw new Error('LiveKit v1-mini has no English threshold');
  const predict: TurnModel = async (audio) => {
    const stream = detector.stream();
    try {
      const pcm = toInt16(audio.subarray(Math.max(0, audio.length - CONTEXT_SAMPLES)));
      stream.pushAudio(new AudioFrame(pcm, 16_000, 1, pcm.length));
      // The audio reaches the transport's buffer through the stream's channel: wait until it is all there.
      const transport = (stream as unknown as { transport: { _buf: { length: number } } }).transport;
      const t0 = performance.now();
      while (transport._buf.length < pcm.length) {
        if (performance.now() - t0 > 10_000) throw new Error('LiveKit turn detector: audio never reached its buffer');
        await new Promise((r) => setImmediate(r));
      }
      const ev = await stream.predict().await;
      return ev.endOfTurnProbability;
    } finally {
      await stream.aclose();
    }
  };
  return {
    predict,
    threshold,
    model: detector.model,
    inferenceMs,
    close: async () => {
      await detector.aclose();
      await runner.close();
    },
  };
}
