/**
 * Test support (Node only, never shipped): the VAD fixtures and their ground truth, and the real Silero
 * model on onnxruntime-node behind the same interfaces the worker uses (onnxruntime-web and -node share
 * their API), with fault injection for the recovery paths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Resampler } from '../audio/resampler.ts';
import type { VadBackend } from './backend.ts';
import type { LoadedModels, ModelHandle, VadRuntime } from './runtime.ts';
import { SILERO_STREAMS, SileroVad, type SileroTensorFactory, type VadModel } from './silero.ts';
import type { FixtureEntry, FixtureManifest, Range } from '../../scripts/vad-fixtures-manifest.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODEL_PATH = join(root, 'node_modules', '@ricky0123', 'vad-web', 'dist', 'silero_vad_v5.onnx');
const FIXTURES = join(root, '.fixtures', 'vad');

export type { FixtureEntry, FixtureManifest, Range };

interface FixtureModule {
  buildVadFixtures(dir: string, opts: { log: (m: string) => void }): boolean;
}

/** Builds the fixtures if needed (idempotent, ~1 s the first time) and returns the manifest. */
export async function vadFixtures(): Promise<FixtureManifest> {
  const mod = (await import(pathToFileURL(join(root, 'scripts', 'vad-fixtures.mjs')).href)) as FixtureModule;
  mod.buildVadFixtures(FIXTURES, { log: () => undefined });
  return JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as FixtureManifest;
}

/** A fixture's samples at 16 kHz (the file is 48 kHz 16-bit mono), resampled with the SDK's resampler. */
export function fixture16k(entry: FixtureEntry): Float32Array {
  const path = join(FIXTURES, entry.file);
  if (!existsSync(path)) throw new Error(`${path} is missing`);
  const buf = readFileSync(path);
  const n = (buf.length - 44) / 2;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = buf.readInt16LE(44 + 2 * i) / 32768;
  const r = new Resampler({ inputRate: 48_000, outputRate: 16_000 });
  const out = new Float32Array(r.maxOutputFrames(n) + r.maxOutputFrames(r.latencyFrames));
  let m = r.process(x, out);
  m += r.flush(out.subarray(m));
  return out.slice(0, m);
}

const tensors: SileroTensorFactory<ort.Tensor> = {
  float32: (data, dims) => new ort.Tensor('float32', data, dims),
  int64: (data, dims) => new ort.Tensor('int64', data, dims),
};

/** The real Silero v5 model on onnxruntime-node (CPU, one thread), with `streams` recurrent states. */
export async function nodeSilero(streams = 1): Promise<SileroVad<ort.Tensor>> {
  const session = await ort.InferenceSession.create(MODEL_PATH, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return SileroVad.create(session, tensors, streams);
}

/** Faults a test handle can play. */
export interface HandleFaults {
  /** Throw from `process()` on this call (1-based) and every call after. */
  failFrom?: number;
}

/** A {@link ModelHandle} over the real model, labelled `backend`, with injectable faults. */
export async function nodeHandle(
  backend: VadBackend,
  faults: HandleFaults = {},
): Promise<ModelHandle & { loseNow(reason: string): void; calls(): number; released(): boolean }> {
  const model = await nodeSilero(SILERO_STREAMS);
  let calls = 0;
  let released = false;
  let lose: (reason: string) => void = () => undefined;
  const lost = backend === 'webgpu' ? new Promise<string>((resolve) => (lose = resolve)) : null;
  const wrapped: VadModel = {
    process: (frame) => {
      calls++;
      if (faults.failFrom !== undefined && calls >= faults.failFrom) {
        return Promise.reject(new Error('simulated device failure'));
      }
      return model.process(frame);
    },
    reset: () => {
      model.reset();
    },
    exportState: () => model.exportState(),
    importState: (s) => {
      model.importState(s);
    },
    release: () => model.release(),
  };
  return {
    backend,
    model: wrapped,
    lost,
    loseDevice: () => {
      lose('device destroyed');
    },
    release: async () => {
      released = true;
      await model.release();
    },
    loseNow: (reason) => {
      lose(reason);
    },
    calls: () => calls,
    released: () => released,
  };
}

/** A runtime that hands out the given handles (and counts the wasm models it had to make). */
export function fixedRuntime(
  primary: ModelHandle,
  fallback: ModelHandle | null = null,
): VadRuntime & { wasmCreated(): number } {
  let created = 0;
  return {
    load: (): Promise<LoadedModels> =>
      Promise.resolve({
        primary,
        fallback,
        reason: 'test',
        adapter: null,
        benchmark: null,
        fromCache: false,
        loadMs: 0,
        webgpuFailure: null,
      }),
    createWasm: async () => {
      created++;
      return nodeHandle('wasm');
    },
    wasmCreated: () => created,
  };
}

/** Seconds -> samples at 16 kHz for a position at the fixture's rate (48 kHz). */
export function to16k(samples48k: number): number {
  return Math.round(samples48k / 3);
}
