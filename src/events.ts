/**
 * A tiny typed event API over `EventTarget`: one map of event name -> payload per emitter.
 * Listeners never throw into the emitter: an exception in one is reported and the others still run.
 */
export class TypedEmitter<Events extends object> {
  readonly #target = new EventTarget();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events & string>(type: K, listener: (payload: Events[K]) => void): () => void {
    const wrapped = (e: Event): void => {
      try {
        listener((e as CustomEvent<Events[K]>).detail);
      } catch (err) {
        reportListenerError(err);
      }
    };
    this.#target.addEventListener(type, wrapped);
    return () => {
      this.#target.removeEventListener(type, wrapped);
    };
  }

  /** Adds a listener that runs once. */
  once<K extends keyof Events & string>(type: K, listener: (payload: Events[K]) => void): () => void {
    const off = this.on(type, (p) => {
      off();
      listener(p);
    });
    return off;
  }

  /** Resolves with the next payload of `type` (rejects after `timeoutMs` when given). */
  next<K extends keyof Events & string>(type: K, timeoutMs?: number): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const off = this.once(type, (p) => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(p);
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          off();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for "${type}"`));
        }, timeoutMs);
      }
    });
  }

  protected emit<K extends keyof Events & string>(type: K, payload: Events[K]): void {
    this.#target.dispatchEvent(new CustomEvent(type, { detail: payload }));
  }
}

function reportListenerError(err: unknown): void {
  // Surface the bug to the page's error reporting without breaking the emitter's loop.
  queueMicrotask(() => {
    throw err;
  });
}
