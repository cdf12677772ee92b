/**
 * Autoplay unlock: browsers (Safari/iOS always, Chrome without a prior gesture) keep an AudioContext
 * suspended and refuse `play()` until the user interacts. This waits for the first click, tap or key
 * press anywhere in the page and runs the given resumers once.
 */

const GESTURES = ['pointerdown', 'touchend', 'keydown'] as const;

/** Runs `unlock` on the next user gesture (once). Returns a function that cancels the wait. */
export function onFirstGesture(unlock: () => void, target: EventTarget = globalThis.document): () => void {
  let done = false;
  const handler = (): void => {
    if (done) return;
    done = true;
    cancel();
    unlock();
  };
  const cancel = (): void => {
    for (const g of GESTURES) target.removeEventListener(g, handler, true);
  };
  for (const g of GESTURES) target.addEventListener(g, handler, true);
  return () => {
    done = true;
    cancel();
  };
}
