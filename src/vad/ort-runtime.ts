/**
 * onnxruntime-web inside the VAD worker: fetching (and caching) the model, importing the right ORT build,
 * choosing the backend and creating Silero sessions.
 *
 * Global state: `ort.env` is one object per JavaScript realm, and onnxruntime-web reads `env.wasm.wasmPaths`,
 * `numThreads` and `proxy` when it first initialises its WebAssembly module. Every VAD runs in its own
 * worker (its own realm), so these settings never leak between VAD instances, nor into the page or another
 * library's ORT (e.g. a MicVAD on the main thread). The WebGPU device is passed per session
 * (`executionProviders: [{ name: 'webgpu', device }]`), never through `env.webgpu`.
 *
 * Builds: without a hardware WebGPU adapter we import `onnxruntime-web/wasm` (14 MB binary); only when one
 * is a candidate do we import `onnxruntime-web/webgpu` (27 MB, asyncify), which also runs the wasm session
 * kept as the warm fallback. One build per worker, one thread, no proxy worker.
 */
import type * as OrtTypes from 'onnxruntime-web';
import { pickAfterBenchmark, probeAdapter, webgpuCandidacy, type AdapterProbe, type VadBackend } from './backend.ts';
import { VadError } from './errors.ts';
import { SILERO_FRAME_SAMPLES, SILERO_STREAMS, SileroVad, type SileroTensorFactory, type VadModel } from './silero.ts';
import type { VadWorkerConfig } from './types.ts';
import type { LoadedModels, ModelHandle, VadRuntime } from './runtime.ts';
import { percentile } from './timing.ts';
import { loadSmartTurn } from './turn/load-turn-model.ts';

type Ort = typeof OrtTypes;
type Tensor = OrtTypes.Tensor;

/** Fetches the model, network first, then the Cache Storage copy when the network fails. */
export async function fetchModel(
  url: string,
  cacheName: string | false,
): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cache =
    cacheName !== false && typeof caches !== 'undefined' ? await caches.open(cacheName).catch(() => null) : null;
  let problem: string;
  try {
    const res = await fetch(url);
    const type = res.headers.get('content-type') ?? '';
    if (res.ok && /text\/html/i.test(type)) {
      // A single-page-app host (or Vite's dev server) answers unknown paths with its index.html.
      problem = 'the server answered with an HTML page (wrong URL, or a single-page-app fallback)';
    } else if (res.ok) {
      const buf = await res.arrayBuffer();
      if (buf.byteLength > 0) {
        if (cache) await cache.put(url, new Response(buf.slice(0))).catch(() => undefined);
        return { bytes: new Uint8Array(buf), fromCache: false };
      }
      problem = 'empty response';
    } else {
      problem = `HTTP ${res.status} ${res.statusText}`.trim();
    }
  } catch (e) {
    problem = String(e);
  }
  const hit = cache ? await cache.match(url).catch(() => undefined) : undefined;
  if (hit) return { bytes: new Uint8Array(await hit.arrayBuffer()), fromCache: true };
  throw new VadError('model_load_failed', `could not load the VAD model from ${url}: ${problem}`);
}

/** Imports one ORT build and configures this realm's `ort.env` (see the file comment). */
async function importOrt(build: VadBackend, wasmUrl: string): Promise<Ort> {
  const ort: Ort = build === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  ort.env.logLevel = 'error';
  return ort;
}

function tensorFactory(ort: Ort): SileroTensorFactory<Tensor> {
  return {
    float32: (data, dims) => new ort.Tensor('float32', data, dims),
    int64: (data, dims) => new ort.Tensor('int64', data, dims),
  };
}

/** Maps a session-creation failure: an ORT that cannot start is not a bad model. */
function sessionError(e: unknown, backend: VadBackend): VadError {
  const text = String(e);
  if (/no available backend|failed to fetch|wasm/i.test(text) && !/protobuf|model/i.test(text)) {
    return new VadError('runtime_load_failed', `onnxruntime-web (${backend}) could not start: ${text}`, { cause: e });
  }
  return new VadError('model_invalid', `the VAD model could not be loaded by onnxruntime-web: ${text}`, { cause: e });
}

async function createModel(ort: Ort, bytes: Uint8Array, device: GPUDevice | null): Promise<ModelHandle> {
  const backend: VadBackend = device ? 'webgpu' : 'wasm';
  let session: OrtTypes.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: [device ? { name: 'webgpu', device } : 'wasm'],
      graphOptimizationLevel: 'all',
      // 3 = errors only: node-placement warnings on WebGPU are expected for this model.
      logSeverityLevel: 3,
    });
  } catch (e) {
    throw sessionError(e, backend);
  }
  const model = await SileroVad.create(session, tensorFactory(ort), SILERO_STREAMS);
  let released = false;
  const lost = device
    ? device.lost.then((info) =>
        released ? new Promise<string>(() => undefined) : `WebGPU device lost (${info.reason}): ${info.message}`,
      )
    : null;
  return {
    backend,
    model,
    lost,
    loseDevice: () => {
      device?.destroy();
    },
    release: async () => {
      if (released) return;
      released = true;
      await model.release().catch(() => undefined);
      device?.destroy();
    },
  };
}

/**
 * A device with the adapter's full limits (onnxruntime's kernels need more storage buffers per stage than
 * the WebGPU defaults) and the optional features it can use.
 */
async function requestFullDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  const limits = adapter.limits as unknown as Record<string, unknown>;
  for (const key in limits) {
    const v = limits[key];
    if (typeof v === 'number') requiredLimits[key] = v;
  }
  const wanted: GPUFeatureName[] = ['shader-f16', 'subgroups', 'timestamp-query'];
  return adapter.requestDevice({ requiredLimits, requiredFeatures: wanted.filter((f) => adapter.features.has(f)) });
}

/** Median per-frame time of `frames` runs after 3 warm-up runs, in ms; the model state is reset after. */
async function timeModel(model: VadModel, frames: number): Promise<number> {
  const frame = new Float32Array(SILERO_FRAME_SAMPLES);
  for (let i = 0; i < frame.length; i++) frame[i] = 0.1 * Math.sin(i * 0.07) + 0.01 * Math.sin(i * 1.3);
  const times: number[] = [];
  for (let i = 0; i < frames + 3; i++) {
    const t0 = performance.now();
    await model.process(frame);
    if (i >= 3) times.push(performance.now() - t0);
  }
  model.reset();
  return percentile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

/** The real runtime: onnxruntime-web in this worker, with `gpu` = `navigator.gpu` (or undefined). */
export function createOrtRuntime(config: VadWorkerConfig, gpu: GPU | undefined): VadRuntime {
  let ort: Ort | null = null;
  let bytes: Uint8Array | null = null;

  async function wasmModel(): Promise<ModelHandle> {
    if (!ort || !bytes) throw new VadError('internal', 'runtime not loaded');
    return createModel(ort, bytes, null);
  }

  return {
    createWasm: wasmModel,
    loadTurnModel(url: string) {
      if (!ort) return Promise.reject(new VadError('turn_model_failed', 'runtime not loaded'));
      return loadSmartTurn(ort, url, config.modelCache, fetchModel);
    },
    async load(): Promise<LoadedModels> {
      const t0 = performance.now();
      const model = await fetchModel(config.modelUrl, config.modelCache);
      bytes = model.bytes;
      const probe: AdapterProbe =
        config.backend === 'wasm' ? { adapter: null, facts: null, reason: 'wasm requested' } : await probeAdapter(gpu);
      const candidacy = webgpuCandidacy(config.backend, probe.facts, config.allowSoftwareAdapter);
      const base = { adapter: probe.facts, fromCache: model.fromCache, webgpuFailure: null };
      if (!candidacy.candidate || !probe.adapter) {
        ort = await importOrt('wasm', config.wasmUrl);
        const primary = await wasmModel();
        const reason = probe.adapter ? candidacy.reason : 'reason' in probe ? probe.reason : candidacy.reason;
        return { ...base, primary, fallback: null, reason, benchmark: null, loadMs: performance.now() - t0 };
      }
      let wasm: ModelHandle;
      try {
        ort = await importOrt('webgpu', config.webgpuWasmUrl);
        // The wasm session first: it validates the model, and it is the warm fallback.
        wasm = await wasmModel();
      } catch (e) {
        // The WebGPU build did not load (a bundled app that copied only the wasm build, a bad URL): wasm it is.
        ort = await importOrt('wasm', config.wasmUrl);
        const primary = await wasmModel();
        const reason = `WebGPU runtime unavailable, using wasm: ${String(e)}`;
        return { ...base, primary, fallback: null, reason, benchmark: null, loadMs: performance.now() - t0 };
      }
      let gpuModel: ModelHandle;
      try {
        const device = await requestFullDevice(probe.adapter);
        gpuModel = await createModel(ort, bytes, device);
      } catch (e) {
        const reason = `WebGPU session failed, using wasm: ${String(e)}`;
        return {
          ...base,
          primary: wasm,
          fallback: null,
          reason,
          benchmark: null,
          loadMs: performance.now() - t0,
          webgpuFailure: String(e),
        };
      }
      if (!candidacy.benchmark) {
        return {
          ...base,
          primary: gpuModel,
          fallback: wasm,
          reason: candidacy.reason,
          benchmark: null,
          loadMs: performance.now() - t0,
        };
      }
      const benchmark = {
        wasmMs: await timeModel(wasm.model, config.benchmarkFrames),
        webgpuMs: await timeModel(gpuModel.model, config.benchmarkFrames).catch(() => Number.POSITIVE_INFINITY),
      };
      const pick = pickAfterBenchmark(benchmark);
      const loadMs = performance.now() - t0;
      if (pick.backend === 'webgpu')
        return { ...base, primary: gpuModel, fallback: wasm, reason: pick.reason, benchmark, loadMs };
      await gpuModel.release();
      return { ...base, primary: wasm, fallback: null, reason: pick.reason, benchmark, loadMs };
    },
  };
}
