/**
 * Smart Turn's cost per decision on onnxruntime-web's wasm build (the binary the VAD worker runs, one thread,
 * no proxy), in Node: features + model on an 8 s window, N runs after one warm-up, with this machine's load
 * average and a CPU calibration (2e7 square roots, ms) beside it. Prints one JSON line.
 *   node --import tsx scripts/models/smart-turn-cost.ts [N=30]
 * The turn bench (`npm run bench -- turns`) reports the in-browser figure (`inference_ms_p95`).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as ort from 'onnxruntime-web';
import { SmartTurn } from '../../src/vad/turn/smart-turn.ts';
import { smartTurnModelPath } from './smart-turn.mjs';

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(smartTurnModelPath())), {
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
});
const turn = new SmartTurn(session, (d, dims) => new ort.Tensor('float32', d, dims));
const x = new Float32Array(128_000);
for (let i = 0; i < x.length; i++) x[i] = 0.1 * Math.sin(i * 0.05) * Math.sin(i * 0.0003);
const loadBefore = loadavg();
await turn.predict(x);
const total: number[] = [];
const features: number[] = [];
const model: number[] = [];
const n = Number(process.argv[2] ?? 30);
for (let i = 0; i < n; i++) {
  const t0 = performance.now();
  await turn.predict(x);
  total.push(performance.now() - t0);
  features.push(turn.timing.featuresMs);
  model.push(turn.timing.modelMs);
}
const q = (a: number[], p: number): number => {
  const s = a.slice().sort((u, v) => u - v);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN);
};
const c0 = performance.now();
let acc = 0;
for (let i = 0; i < 2e7; i++) acc += Math.sqrt(i);
const calibMs = Math.round(performance.now() - c0);
console.log(
  JSON.stringify({
    runs: n,
    inference_ms_p50: q(total, 0.5),
    inference_ms_p95: q(total, 0.95),
    inference_ms_min: q(total, 0),
    features_ms_p50: q(features, 0.5),
    model_ms_p50: q(model, 0.5),
    calibration_sqrt2e7_ms: calibMs,
    load_before: loadBefore,
    load_after: loadavg(),
    checksum: acc > 0,
  }),
);
await turn.release();
