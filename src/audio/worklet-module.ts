/** Loads an AudioWorklet module once per AudioContext (addModule is not idempotent across URLs' loads). */
const loaded = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

export function loadWorkletModule(ctx: BaseAudioContext, url: string): Promise<void> {
  let perCtx = loaded.get(ctx);
  if (!perCtx) {
    perCtx = new Map();
    loaded.set(ctx, perCtx);
  }
  let p = perCtx.get(url);
  if (!p) {
    p = ctx.audioWorklet.addModule(url);
    perCtx.set(url, p);
    // A failed load may be retried later (e.g. after a network blip).
    p.catch(() => perCtx.delete(url));
  }
  return p;
}
