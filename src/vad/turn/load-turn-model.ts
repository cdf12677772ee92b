/**
 * Loading Smart Turn in the VAD worker: fetched (and kept in Cache Storage, network first) like Silero's
 * model, a wasm session on the worker's onnxruntime-web, one warm-up prediction (the first run of a wasm
 * session is several times slower).
 */
import type * as OrtTypes from 'onnxruntime-web';
import { VadError } from '../errors.ts';
import type { LoadedTurnModel } from '../runtime.ts';
import { SmartTurn } from './smart-turn.ts';

type Ort = typeof OrtTypes;

/** `fetchModel` of `ort-runtime.ts` (passed in to keep this file free of the runtime's imports). */
export type ModelFetcher = (url: string, cache: string | false) => Promise<{ bytes: Uint8Array; fromCache: boolean }>;

export async function loadSmartTurn(
  ort: Ort,
  url: string,
  cache: string | false,
  fetchModel: ModelFetcher,
): Promise<LoadedTurnModel> {
  const t0 = performance.now();
  let fetched: { bytes: Uint8Array; fromCache: boolean };
  try {
    fetched = await fetchModel(url, cache);
  } catch (e) {
    throw new VadError('turn_model_failed', `could not load the end-of-turn model: ${String(e)}`, { cause: e });
  }
  try {
    const session = await ort.InferenceSession.create(fetched.bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    const model = new SmartTurn(session, (data, dims) => new ort.Tensor('float32', data, dims));
    await model.predict(new Float32Array(16_000));
    return { model, fromCache: fetched.fromCache, loadMs: performance.now() - t0 };
  } catch (e) {
    throw new VadError('turn_model_failed', `the end-of-turn model could not be started: ${String(e)}`, { cause: e });
  }
}
