/**
 * The on-device engine on the main thread: starts the offline worker and forwards calls to it. All model
 * work happens in the worker. A crashed worker fails the call in progress and later ones with
 * `offline_engine_error` (the transport reports it); `close()` ends the worker.
 */
import { transfer, wrap, type Remote } from 'comlink';
import { SottoError } from '../errors.ts';
import { DEFAULT_OFFLINE_ASSETS } from './assets.ts';
import { DEFAULT_CACHE_NAME, resolveAssets, type OfflineModelConfig } from './config.ts';
import type { AsrOptions, OfflineEngine, OfflineEngineInfo } from './engine.ts';
import type { FliteVoice } from './tts/flite.ts';
import type { Recognition, SpeechPiece } from './types.ts';
import type { OfflineWorkerApi, WorkerResult } from './worker-protocol.ts';

export interface WorkerEngineOptions extends OfflineModelConfig {
  /** URL of the worker script. Default: the one Vite bundles. */
  workerUrl?: string | URL;
}

export class WorkerEngine implements OfflineEngine {
  readonly #options: WorkerEngineOptions;
  #worker: Worker | null = null;
  #api: Remote<OfflineWorkerApi> | null = null;
  #crashed: SottoError | null = null;
  #rejectCrash: ((e: SottoError) => void) | null = null;
  readonly #crash: Promise<never>;

  constructor(options: WorkerEngineOptions) {
    this.#options = options;
    this.#crash = new Promise<never>((_, reject) => {
      this.#rejectCrash = reject;
    });
    this.#crash.catch(() => undefined);
  }

  async load(): Promise<OfflineEngineInfo> {
    if (this.#api) throw new SottoError('internal', 'load() was called twice');
    const worker = new Worker(this.#options.workerUrl ?? DEFAULT_OFFLINE_ASSETS.workerUrl, {
      type: 'module',
      name: 'sotto-offline',
    });
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(`the offline worker failed: ${e.message || 'the script did not load'}`);
    });
    worker.addEventListener('messageerror', () => {
      this.#fail('a message from the offline worker could not be read');
    });
    this.#worker = worker;
    this.#api = wrap<OfflineWorkerApi>(worker);
    const assets = resolveAssets(this.#options, DEFAULT_OFFLINE_ASSETS, globalThis.location.href);
    return this.#call((api) => api.init({ assets, cacheName: this.#options.cacheName ?? DEFAULT_CACHE_NAME }));
  }

  transcribe(audio: Float32Array, options: AsrOptions): Promise<Recognition> {
    const copy = audio.slice();
    return this.#call((api) => api.transcribe(transfer(copy, [copy.buffer]), { ...options }));
  }

  synthesize(text: string, index: number, voice: FliteVoice): Promise<SpeechPiece> {
    return this.#call((api) => api.synthesize(text, index, voice));
  }

  async close(): Promise<void> {
    const api = this.#api;
    const worker = this.#worker;
    this.#api = null;
    this.#worker = null;
    if (!worker) return;
    if (api && !this.#crashed) {
      await Promise.race([api.dispose().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    worker.terminate();
  }

  async #call<T>(fn: (api: Remote<OfflineWorkerApi>) => Promise<WorkerResult<T>>): Promise<T> {
    if (this.#crashed) throw this.#crashed;
    const api = this.#api;
    if (!api) throw new SottoError('offline_engine_error', 'the offline engine is closed');
    let r: WorkerResult<T>;
    try {
      r = await Promise.race([fn(api), this.#crash]);
    } catch (e) {
      if (e instanceof SottoError) throw e;
      throw new SottoError('offline_engine_error', `the offline worker call failed: ${String(e)}`, { cause: e });
    }
    if (!r.ok) throw new SottoError(r.error.code, r.error.message);
    return r.value;
  }

  #fail(message: string): void {
    if (this.#crashed) return;
    this.#crashed = new SottoError('offline_engine_error', message);
    this.#rejectCrash?.(this.#crashed);
  }
}
