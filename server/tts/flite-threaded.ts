/**
 * Flite in a worker thread (one per process, started on first use). Falls back to synthesizing in
 * process when the worker cannot start (e.g. a runner that cannot load TypeScript workers), so callers
 * always get speech.
 */
import { Worker } from 'node:worker_threads';
import { FliteTts, type FliteVoice, type Speech } from './flite.ts';
import type { FliteReply, FliteRequest } from './flite-worker.ts';

export class ThreadedFlite {
  readonly voice: FliteVoice;
  #worker: Worker | null = null;
  #broken = false;
  #next = 1;
  readonly #pending = new Map<number, { text: string; resolve: (s: Speech) => void; reject: (e: Error) => void }>();
  #local: FliteTts | null = null;

  constructor(voice: FliteVoice = 'slt') {
    this.voice = voice;
  }

  /** True while synthesis runs in the worker thread (false after a fallback to in-process). */
  get threaded(): boolean {
    return !this.#broken && this.#worker !== null;
  }

  synthesize(text: string): Promise<Speech> {
    const worker = this.#ensureWorker();
    if (!worker) return Promise.resolve(this.#inProcess(text));
    return new Promise<Speech>((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, { text, resolve, reject });
      worker.postMessage({ id, text, voice: this.voice } satisfies FliteRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = null;
    if (w) await w.terminate();
  }

  #inProcess(text: string): Speech {
    this.#local ??= new FliteTts(this.voice);
    return this.#local.synthesize(text);
  }

  #ensureWorker(): Worker | null {
    if (this.#broken) return null;
    if (this.#worker) return this.#worker;
    try {
      const w = import.meta.url.endsWith('.ts')
        ? // From sources: register tsx's loader in the new thread before importing the TypeScript entry
          // (loader hooks of the parent thread do not reach workers on Node 20).
          new Worker(
            `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./flite-worker.ts', import.meta.url).href)}); })`,
            { eval: true },
          )
        : // Built (dist-server/): the entry is plain JavaScript beside this bundle.
          new Worker(new URL('./flite-worker.js', import.meta.url));
      w.unref();
      w.on('message', (r: FliteReply) => {
        const p = this.#pending.get(r.id);
        if (!p) return;
        this.#pending.delete(r.id);
        if ('error' in r) p.reject(new Error(r.error));
        else p.resolve({ pcm: r.pcm, sampleRate: r.sampleRate });
      });
      w.on('error', () => {
        this.#fallBack();
      });
      w.on('exit', () => {
        if (this.#worker === w) this.#fallBack();
      });
      this.#worker = w;
      return w;
    } catch {
      this.#broken = true;
      return null;
    }
  }

  /** The worker died or never started: finish what it had in process. */
  #fallBack(): void {
    this.#broken = true;
    this.#worker = null;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      try {
        p.resolve(this.#inProcess(p.text));
      } catch (e) {
        p.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}
