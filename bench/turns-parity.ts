/**
 * Smart Turn parity for the turn bench: the TypeScript front end + the model on onnxruntime-web's wasm
 * build (the binary the VAD worker runs, one thread, in Node) against the Python reference's probabilities
 * (src/vad/turn/parity-fixture.json, made by `node scripts/models/smart-turn.mjs --parity`). The unit test
 * checks the same clips on onnxruntime-node; this is the browser runtime's figure (`parity_max_abs_diff`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { buildClip } from '../scripts/models/smart-turn-clips.mjs';
import { SmartTurn } from '../src/vad/turn/smart-turn.ts';
import { SMART_TURN_WEIGHTS } from './turns-models.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface ParityFixture {
  clips: { name: string; parts: unknown[]; probability: number }[];
}

export interface ParityResult {
  max_abs_diff: number;
  clips: number;
  runtime: string;
}

export async function smartTurnParity(): Promise<ParityResult> {
  const fixture = JSON.parse(
    readFileSync(join(root, 'src', 'vad', 'turn', 'parity-fixture.json'), 'utf8'),
  ) as ParityFixture;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(SMART_TURN_WEIGHTS)), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const turn = new SmartTurn(session, (d, dims) => new ort.Tensor('float32', d, dims));
  let worst = 0;
  try {
    for (const clip of fixture.clips) {
      const p = await turn.predict(buildClip(clip));
      worst = Math.max(worst, Math.abs(p - clip.probability));
    }
  } finally {
    await turn.release();
  }
  return {
    max_abs_diff: Number(worst.toExponential(3)),
    clips: fixture.clips.length,
    runtime: `onnxruntime-web ${ort.env.versions.web ?? ''} wasm, 1 thread (Node)`,
  };
}
