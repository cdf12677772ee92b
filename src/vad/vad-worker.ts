/**
 * Entry of the VAD worker (a module worker; one per VAD instance, so onnxruntime's global `env` is private
 * to it). Exposes {@link VadWorkerApi} over comlink; events go back through the callback given to `init()`.
 */
import { expose } from 'comlink';
import { toVadErrorData, VadError } from './errors.ts';
import { createOrtRuntime } from './ort-runtime.ts';
import type { PortMessage, VadFault, VadWorkerApi, VadWorkerConfig, VadWorkerEvent, WorkerSource } from './types.ts';
import { VadEngine } from './vad-engine.ts';

let engine: VadEngine | null = null;

function need(): VadEngine {
  if (!engine) throw new VadError('internal', 'the VAD worker is not initialised');
  return engine;
}

/** Makes the worker fail the way a real crash does: an uncaught error, seen by the client as `error` on the Worker. */
function crash(e: Error): void {
  setTimeout(() => {
    throw e;
  }, 0);
}

function asVadError(e: unknown): VadError {
  return e instanceof VadError ? e : new VadError('internal', String(e), { cause: e });
}

const api: VadWorkerApi = {
  async init(config: VadWorkerConfig, onEvent: (e: VadWorkerEvent) => void) {
    if (engine) return { ok: false, error: toVadErrorData(new VadError('internal', 'init() was called twice')) };
    const gpu = 'gpu' in self.navigator ? self.navigator.gpu : undefined;
    engine = new VadEngine(createOrtRuntime(config, gpu), config, onEvent, crash);
    try {
      return { ok: true, value: await engine.init() };
    } catch (e) {
      return { ok: false, error: toVadErrorData(asVadError(e)) };
    }
  },
  attach(source: WorkerSource) {
    try {
      const e = need();
      e.attach(source);
      if (source.type === 'push') {
        source.port.onmessage = (m: MessageEvent<PortMessage>) => {
          if (m.data.type === 'samples') e.push(m.data);
          else e.flush();
        };
      }
      return { ok: true, value: null };
    } catch (err) {
      return { ok: false, error: toVadErrorData(asVadError(err)) };
    }
  },
  flush() {
    need().flush();
  },
  reset() {
    need().reset();
  },
  stats() {
    return need().stats();
  },
  simulate(fault: VadFault) {
    if (fault === 'crash') crash(new Error('simulated VAD worker crash'));
    else need().simulate(fault);
  },
  async dispose() {
    await engine?.dispose();
  },
};

expose(api);
