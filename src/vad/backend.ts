/**
 * Choice of the onnxruntime-web backend for the VAD: pure decision functions (unit-tested) plus the probe
 * that reads a WebGPU adapter (browser globals passed in).
 *
 * Policy: WebGPU only when the adapter is real hardware (never a fallback or software adapter such as
 * SwiftShader, llvmpipe or WARP) AND a start-up micro-benchmark shows it faster than wasm; otherwise
 * wasm on one thread. Silero v5 is a tiny recurrent model: on wasm one frame takes ~0.2–0.3 ms, so a GPU
 * rarely wins once the per-run upload/download is paid, and a software GPU is 100x slower.
 */

/** A backend the VAD can run on. */
export type VadBackend = 'wasm' | 'webgpu';

/**
 * What the app asks for: `'auto'` applies the policy above; `'wasm'` never touches WebGPU; `'webgpu'`
 * uses WebGPU without the benchmark when a usable adapter exists (still never a software one unless
 * `allowSoftwareAdapter`), else wasm.
 */
export type VadBackendPreference = 'auto' | VadBackend;

/** What we know of a WebGPU adapter, flattened so it can be logged, posted and tested. */
export interface AdapterFacts {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** `adapter.info.isFallbackAdapter`, or the older `adapter.isFallbackAdapter`. */
  readonly isFallbackAdapter: boolean;
}

/** Software rasterisers that present themselves as GPUs. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|\bwarp\b/i;

/** True when the adapter is a fallback or software adapter: such an adapter is never chosen automatically. */
export function isSoftwareAdapter(facts: AdapterFacts): boolean {
  if (facts.isFallbackAdapter) return true;
  return [facts.vendor, facts.architecture, facts.device, facts.description].some((s) => SOFTWARE_ADAPTER.test(s));
}

/** Reads the facts of an adapter (works with both the current `info` and the older `isFallbackAdapter`). */
export function adapterFacts(adapter: GPUAdapter): AdapterFacts {
  const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
  const info = (adapter as Partial<GPUAdapter>).info as Partial<GPUAdapterInfo> | undefined;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: info?.isFallbackAdapter === true || legacy.isFallbackAdapter === true,
  };
}

/** Outcome of {@link webgpuCandidacy}. */
export interface Candidacy {
  /** Whether a WebGPU session should be tried (and, for `'auto'`, benchmarked). */
  readonly candidate: boolean;
  /** Whether the benchmark decides (only for `'auto'`). */
  readonly benchmark: boolean;
  /** Why, in words, for the `ready` event and logs. */
  readonly reason: string;
}

/**
 * First step of the choice, before any session exists.
 *
 * @param preference what the app asked for
 * @param adapter the adapter's facts, or `null` when there is no WebGPU or no adapter
 * @param allowSoftwareAdapter accept a software/fallback adapter (tests only; only with `'webgpu'`)
 */
export function webgpuCandidacy(
  preference: VadBackendPreference,
  adapter: AdapterFacts | null,
  allowSoftwareAdapter = false,
): Candidacy {
  if (preference === 'wasm') return { candidate: false, benchmark: false, reason: 'wasm requested' };
  if (!adapter) return { candidate: false, benchmark: false, reason: 'no WebGPU adapter' };
  if (isSoftwareAdapter(adapter) && !(allowSoftwareAdapter && preference === 'webgpu')) {
    const what = adapter.isFallbackAdapter ? 'a fallback adapter' : 'a software adapter';
    return {
      candidate: false,
      benchmark: false,
      reason: `WebGPU adapter is ${what} (${describe(adapter)}): refused`,
    };
  }
  if (preference === 'webgpu') return { candidate: true, benchmark: false, reason: 'webgpu requested' };
  return { candidate: true, benchmark: true, reason: `hardware adapter (${describe(adapter)})` };
}

/** Per-frame times of the start-up micro-benchmark, in milliseconds (medians over the same frames). */
export interface BenchmarkResult {
  readonly webgpuMs: number;
  readonly wasmMs: number;
}

/** WebGPU must beat wasm by this factor to be chosen: a tie goes to the simpler, more robust wasm. */
export const WEBGPU_MARGIN = 0.8;

/** Second step for `'auto'`: WebGPU only when it is clearly faster. */
export function pickAfterBenchmark(result: BenchmarkResult): { backend: VadBackend; reason: string } {
  const { webgpuMs, wasmMs } = result;
  const ok = Number.isFinite(webgpuMs) && Number.isFinite(wasmMs) && webgpuMs < wasmMs * WEBGPU_MARGIN;
  const numbers = `webgpu ${webgpuMs.toFixed(3)} ms vs wasm ${wasmMs.toFixed(3)} ms per frame`;
  return ok
    ? { backend: 'webgpu', reason: `WebGPU faster: ${numbers}` }
    : { backend: 'wasm', reason: `WebGPU not faster: ${numbers}` };
}

/** A WebGPU adapter and its facts, or why there is none. */
export type AdapterProbe =
  | { readonly adapter: GPUAdapter; readonly facts: AdapterFacts }
  | { readonly adapter: null; readonly facts: null; readonly reason: string };

/**
 * Asks `gpu` (pass `navigator.gpu`, possibly undefined) for an adapter. Never throws; a `timeoutMs` guard
 * covers drivers that never answer.
 */
export async function probeAdapter(gpu: GPU | undefined, timeoutMs = 2000): Promise<AdapterProbe> {
  if (!gpu) return { adapter: null, facts: null, reason: 'navigator.gpu is not available' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => {
        resolve(null);
      }, timeoutMs);
    });
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: 'high-performance' }), timeout]);
    if (!adapter) return { adapter: null, facts: null, reason: 'no WebGPU adapter' };
    return { adapter, facts: adapterFacts(adapter) };
  } catch (e) {
    return { adapter: null, facts: null, reason: `requestAdapter failed: ${String(e)}` };
  } finally {
    clearTimeout(timer);
  }
}

function describe(a: AdapterFacts): string {
  return [a.vendor, a.architecture, a.device, a.description].filter((s) => s !== '').join(' / ') || 'no details';
}
