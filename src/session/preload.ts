/**
 * Loading the on-device VAD before `connect()` (issue 16). Its cold start (worker, onnxruntime-web's wasm
 * compile, the Silero model, warm-up inferences) costs 1.5-3 s of CPU on a laptop, and whatever the mic
 * captured meanwhile is analysed late, seconds behind the user. A page that calls {@link preload} when it
 * loads pays that while the user reads it; the next `connect()` with the same VAD options adopts the warm
 * VAD, so the session is `listening` as soon as the link is up and the VAD runs at the present from its
 * first frame.
 *
 * One VAD is kept at a time. A `connect()` whose options differ (another model, endpointer or turn
 * detector) closes it and starts its own. Errors while preloading are kept and reported by the session
 * that adopts the VAD (as `vad_error`), so nothing is lost by loading early.
 */
import { setAssetBaseUrl } from '../assets/asset-base.ts';
import { SottoError } from '../errors.ts';
import type { VadError } from '../vad/errors.ts';
import type { VadOptions, VadReadyInfo } from '../vad/types.ts';
import { VadClient } from '../vad/vad-client.ts';
import { SESSION_ENDPOINTER_DEFAULTS, sessionTurnDetector, type ConnectOptions } from './options.ts';

/** What {@link preload} needs: the options of the `connect()` to come that shape its VAD. */
export type PreloadOptions = Pick<
  ConnectOptions,
  'vad' | 'turnDetector' | 'endpointing' | 'assetBaseUrl' | 'fallback' | 'offline'
>;

/** A VAD loading (or loaded) ahead of `connect()`. */
export interface PreloadedVad {
  /** Resolves when the VAD is loaded and warm; rejects with the `SottoError` (`vad_error`) that stopped it. */
  readonly ready: Promise<VadReadyInfo>;
  /** Whether a session has taken it. */
  readonly adopted: boolean;
  /** Closes it unless a session has taken it. */
  cancel(): Promise<void>;
}

interface Slot {
  readonly key: string;
  readonly vad: VadClient;
  readonly errors: VadError[];
  readonly offError: () => void;
  adopted: boolean;
}

let slot: Slot | null = null;

/** The VAD options a session with these connect options runs (also when it was not preloaded). */
export function sessionVadOptions(opts: PreloadOptions): VadOptions {
  const vad = opts.vad ?? {};
  return {
    // Frame events feed barge-in confirmation and the app's meters (31 small messages a second).
    frameEvents: true,
    ...vad,
    endpointer: { ...SESSION_ENDPOINTER_DEFAULTS, ...vad.endpointer },
    turn: sessionTurnDetector(opts.turnDetector, vad.turn, opts.endpointing ?? 'client'),
  };
}

const keyOf = (options: VadOptions): string =>
  JSON.stringify(options, (_k, v: unknown) => (v instanceof URL ? v.href : v));

/** Whether a session with these options runs the on-device VAD (client endpointing or a fallback). */
export function runsVad(opts: PreloadOptions): boolean {
  const fallback = opts.fallback ?? (opts.offline ? 'auto' : 'off');
  return (opts.endpointing ?? 'client') === 'client' || fallback !== 'off';
}

/**
 * Starts loading the VAD a `connect()` with the same options will use (see the module doc). Call it when
 * the page loads; it needs no microphone and no user gesture. Calling it again with the same options
 * returns the VAD already loading; with other options it replaces it. Null when such a session runs no
 * on-device VAD (manual or server endpointing without a fallback). Never throws: where Web Workers or
 * WebAssembly are missing, `ready` rejects with a `SottoError` (`unsupported_browser`).
 */
export function preload(opts: PreloadOptions = {}): PreloadedVad | null {
  if (!runsVad(opts)) return null;
  if (typeof Worker === 'undefined' || typeof WebAssembly === 'undefined') {
    // Not thrown: a page calls this as it loads; connect() says the same (`unsupported_browser`) later.
    const ready = Promise.reject(new SottoError('unsupported_browser', 'preload() needs Web Workers and WebAssembly'));
    ready.catch(() => undefined);
    return { ready, adopted: false, cancel: () => Promise.resolve() };
  }
  if (opts.assetBaseUrl !== undefined) setAssetBaseUrl(opts.assetBaseUrl);
  const options = sessionVadOptions(opts);
  const key = keyOf(options);
  if (slot?.key !== key || slot.adopted || isOver(slot.vad)) {
    discard();
    const vad = new VadClient(options);
    const errors: VadError[] = [];
    const offError = vad.on('error', (e) => errors.push(e));
    slot = { key, vad, errors, offError, adopted: false };
  }
  return handle(slot);
}

/**
 * The preloaded VAD for these options, taken out of the slot (the caller owns it from now on), with the
 * errors it reported so far; null when there is none or it was loaded for other options (then it is
 * closed: one VAD worker at a time).
 */
export function adoptPreloaded(options: VadOptions): { vad: VadClient; errors: VadError[] } | null {
  const s = slot;
  if (!s) return null;
  if (s.key !== keyOf(options) || isOver(s.vad)) {
    discard();
    return null;
  }
  s.offError();
  s.adopted = true;
  slot = null;
  return { vad: s.vad, errors: s.errors.splice(0) };
}

function isOver(vad: VadClient): boolean {
  return vad.status === 'failed' || vad.status === 'closed';
}

function discard(): void {
  const s = slot;
  slot = null;
  if (s && !s.adopted) {
    s.offError();
    void s.vad.close();
  }
}

function handle(s: Slot): PreloadedVad {
  const ready = s.vad.ready().catch((e: unknown) => {
    throw new SottoError('vad_error', `voice activity detection: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  });
  ready.catch(() => undefined); // optional to await
  return {
    ready,
    get adopted() {
      return s.adopted;
    },
    cancel: async () => {
      if (s.adopted) return;
      if (slot === s) slot = null;
      s.offError();
      await s.vad.close();
    },
  };
}
