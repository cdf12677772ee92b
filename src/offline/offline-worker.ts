/**
 * Entry of the offline worker (a module worker, one per {@link WorkerEngine}): onnxruntime-web (wasm, one
 * thread, its binary handed over from the offline cache so no URL is fetched) runs the recogniser, Flite
 * (WASI) the speech. Exposes {@link OfflineWorkerApi} over comlink.
 */
import { expose, transfer } from 'comlink';
import { SottoError } from '../errors.ts';
import { ortBackend } from './asr/ort-types.ts';
import { EngineCore } from './engine-core.ts';
import type { OfflineWorkerApi, WorkerResult } from './worker-protocol.ts';

let core: EngineCore | null = null;

function fail<T>(e: unknown): WorkerResult<T> {
  const err = e instanceof SottoError ? e : new SottoError('offline_engine_error', String(e), { cause: e });
  return { ok: false, error: { code: err.code, message: err.message } };
}

const api: OfflineWorkerApi = {
  async init(config) {
    if (core) return { ok: true, value: core.info };
    try {
      core = await EngineCore.load(config.assets, config.cacheName, async (wasm) => {
        const ort = await import('onnxruntime-web/wasm');
        ort.env.wasm.numThreads = 1;
        ort.env.wasm.proxy = false;
        ort.env.wasm.wasmBinary = wasm;
        ort.env.logLevel = 'error';
        return ortBackend(ort, { executionProviders: ['wasm'] });
      });
      return { ok: true, value: core.info };
    } catch (e) {
      return fail(e);
    }
  },
  async transcribe(audio, options) {
    if (!core) return fail(new SottoError('offline_engine_error', 'the offline engine is not loaded'));
    try {
      return { ok: true, value: await core.transcribe(audio, options) };
    } catch (e) {
      return fail(e);
    }
  },
  synthesize(text, index, voice) {
    if (!core) return Promise.resolve(fail(new SottoError('offline_engine_error', 'the offline engine is not loaded')));
    try {
      const piece = core.synthesize(text, index, voice);
      return Promise.resolve(transfer({ ok: true, value: piece } as const, [piece.pcm.buffer]));
    } catch (e) {
      return Promise.resolve(fail(e));
    }
  },
  async dispose() {
    await core?.release();
    core = null;
  },
};

expose(api);
