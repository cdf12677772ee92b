/**
 * One VAD worker as the client sees it (main thread): the Worker, its comlink API and where it is in its
 * start-up. A crash restart makes a new generation; events of an old one are ignored.
 */
import { wrap, type Remote } from 'comlink';
import type { VadWorkerApi } from './types.ts';

/** A worker and its state. */
export interface Generation {
  /** 1 for the first worker, 2 after a crash restart. */
  readonly n: number;
  /** performance.now() when this worker was started. */
  readonly spawnedAt: number;
  readonly worker: Worker;
  readonly api: Remote<VadWorkerApi>;
  /** Client -> worker samples (port and push sources), once attached. */
  data: MessagePort | null;
  ready: boolean;
  attached: boolean;
}

/**
 * Starts worker number `n` from `url` (a module worker). `onCrash` gets a reason when the script fails to
 * load, throws uncaught, or sends a message that cannot be read.
 */
export function spawnGeneration(n: number, url: string | URL, onCrash: (reason: string) => void): Generation {
  const worker = new Worker(url, { type: 'module', name: `sotto-vad-${n}` });
  const api = wrap<VadWorkerApi>(worker);
  worker.addEventListener('error', (e: ErrorEvent) => {
    e.preventDefault();
    onCrash(e.message || 'the worker script failed to load');
  });
  worker.addEventListener('messageerror', () => {
    onCrash('a message from the worker could not be read');
  });
  return { n, spawnedAt: performance.now(), worker, api, data: null, ready: false, attached: false };
}

/** Closes the data port, asks the worker to release its sessions (at most 1 s), then terminates it. */
export async function stopGeneration(gen: Generation): Promise<void> {
  gen.data?.close();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 1000));
  await Promise.race([gen.api.dispose().catch(() => undefined), timeout]);
  gen.worker.terminate();
}
