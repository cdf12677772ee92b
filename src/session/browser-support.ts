/**
 * What a session needs from the browser, checked before anything starts (pure: the globals are passed in).
 * Shared memory is not on the list: without cross-origin isolation (COOP/COEP) the audio paths use
 * MessagePorts instead.
 */
import { SottoError } from '../errors.ts';

/** The globals {@link browserSupportError} looks at (`globalThis` in the browser). */
export interface BrowserGlobals {
  isSecureContext?: boolean;
  RTCPeerConnection?: unknown;
  AudioContext?: unknown;
  AudioWorkletNode?: unknown;
  Worker?: unknown;
  WebAssembly?: unknown;
}

/**
 * An `unsupported_browser` {@link SottoError} naming what is missing and the fix, or null when the session
 * can run here.
 */
export function browserSupportError(g: BrowserGlobals): SottoError | null {
  if (g.isSecureContext === false) {
    return new SottoError(
      'unsupported_browser',
      'the page is not a secure context, so the browser hides the microphone, AudioWorklets and more: ' +
        'serve it over https:// (or from http://localhost during development)',
    );
  }
  const missing = [
    ['RTCPeerConnection', 'WebRTC'],
    ['AudioContext', 'Web Audio'],
    ['AudioWorkletNode', 'AudioWorklet'],
    ['Worker', 'Web Workers'],
    ['WebAssembly', 'WebAssembly'],
  ]
    .filter(([name]) => typeof g[name as keyof BrowserGlobals] === 'undefined')
    .map(([, what]) => what);
  if (missing.length === 0) return null;
  return new SottoError(
    'unsupported_browser',
    `this browser lacks ${missing.join(', ')}: use a current Chrome, Edge, Firefox or Safari`,
  );
}
