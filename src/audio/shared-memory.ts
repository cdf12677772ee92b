/**
 * Whether shared memory is usable here. `SharedArrayBuffer` is not even defined on a page that is not
 * cross-origin isolated (no COOP/COEP headers), so a bare `instanceof SharedArrayBuffer` throws a
 * ReferenceError there: every check goes through these instead.
 */

/** True when `buffer` is a SharedArrayBuffer (false, never a throw, where the global does not exist). */
export function isSharedBuffer(buffer: unknown): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}
