/**
 * Smart Turn parity for the turn bench: the TypeScript front end + the model on onnxruntime-web's wasm
 * build (the binary the VAD worker runs, one thread, in Node) against the Python reference's probabilities
 * (src/vad/turn/parity-fixture.json, made by `node scripts/models/smart-turn.mjs --parity`). The unit test
 * checks the same clips on onnxruntime-node; this is the browser runtime's figure (`parity_max_abs_diff`).
 *
 * Beside it, the spread of the reference itself: the same model on onnxruntime-node (the reference's native
 * runtime, same machine) with graph optimisations off, so the QuantizeLinear/DequantizeLinear pairs run as
 * float arithmetic instead of fused int8 kernels. The model is a static-QDQ int8 graph and some clips sit
 * where rounding differences move the probability by ~0.2: the wasm figure is judged against that spread,
 * and by how many clips change decision at the 0.5 threshold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ortNode from 'onnxruntime-node';
import * as ort from 'onnxruntime-web';
import { buildClip } from '../scripts/models/smart-turn-clips.mjs';
import type { SileroTensor } from '../src/vad/silero.ts';
import { SmartTurn } from '../src/vad/turn/smart-turn.ts';
import { SMART_TURN_WEIGHTS } from './turns-models.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface ParityFixture {
  clips: { name: string; parts: unknown[]; probability: number }[];
}

export interface ParityResult {
  max_abs_diff: number;
  median_abs_diff: number;
  clips_over_0_02: number;
  decision_flips: number;
  clips: number;
  runtime: string;
  /** The reference's own runtime with unfused (float) Q/DQ: how far rounding alone moves the model. */
  native_unfused: { max_abs_diff: number; median_abs_diff: number; clips_over_0_02: number; decision_flips: number };
}

interface Spread {
  max_abs_diff: number;
  median_abs_diff: number;
  clips_over_0_02: number;
  decision_flips: number;
}

function spread(got: readonly number[], want: readonly number[]): Spread {
  const diffs = got.map((p, i) => Math.abs(p - (want[i] ?? Number.NaN))).sort((a, b) => a - b);
  return {
    max_abs_diff: Number((diffs.at(-1) ?? Number.NaN).toExponential(3)),
    median_abs_diff: Number((diffs[diffs.length >> 1] ?? Number.NaN).toExponential(3)),
    clips_over_0_02: diffs.filter((d) => d > 0.02).length,
    decision_flips: got.filter((p, i) => p > 0.5 !== (want[i] ?? 0) > 0.5).length,
  };
}

async function probabilities<T extends SileroTensor>(
  turn: SmartTurn<T>,
  clips: readonly ParityFixture['clips'][number][],
): Promise<number[]> {
  const out: number[] = [];
  try {
    for (const clip of clips) out.push(await turn.predict(buildClip(clip)));
  } finally {
    await turn.release();
  }
  return out;
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
  const want = fixture.clips.map((c) => c.probability);
  const wasm = await probabilities(
    new SmartTurn(session, (d, dims) => new ort.Tensor('float32', d, dims)),
    fixture.clips,
  );
  const unfused = await ortNode.InferenceSession.create(SMART_TURN_WEIGHTS, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'disabled',
  });
  const native = await probabilities(
    new SmartTurn(unfused, (d, dims) => new ortNode.Tensor('float32', d, dims)),
    fixture.clips,
  );
  return {
    ...spread(wasm, want),
    clips: fixture.clips.length,
    runtime: `onnxruntime-web ${ort.env.versions.web ?? ''} wasm, 1 thread (Node)`,
    native_unfused: spread(native, want),
  };
}

// `node --import tsx bench/turns-parity.ts`: print the figures alone (~1 min).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await smartTurnParity(), null, 2));
}
