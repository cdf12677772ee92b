/**
 * The I/O shell of the turn policy in the VAD worker: it keeps the last 8 s of analysed audio (hops read
 * from the capture ring), follows the endpointer's events, asks the end-of-turn model when the
 * {@link TurnPolicy} says so (without blocking the VAD loop: Silero keeps running while Smart Turn thinks),
 * and ends the turn through the endpointer when the answer is "complete".
 */
import { resolveEndpointerOptions, type EndpointerOptions } from '../endpointer-options.ts';
import type { EndpointerEvent } from '../events.ts';
import type { VadRuntime } from '../runtime.ts';
import { toVadErrorData, VadError } from '../errors.ts';
import type { VadWorkerEvent } from '../types.ts';
import { AudioHistory } from './audio-history.ts';
import type { TurnWorkerConfig } from './turn-config.ts';
import { TurnPolicy } from './turn-policy.ts';
import { SMART_TURN_SAMPLES } from './whisper-features.ts';

/** What the gate needs from a model. */
export interface TurnModel {
  predict(audio16k: Float32Array): Promise<number>;
  release(): Promise<void>;
}

/** Backlog (samples) above which no question is asked: 250 ms. */
const MAX_BEHIND_TO_ASK = 4000;

/**
 * The endpointer options under the policy: its `silenceMs` becomes the ceiling (silence alone ends the turn
 * there) and the configured `silenceMs` the pause of the model's first question.
 */
export function gatedEndpointer(
  endpointer: EndpointerOptions,
  turn: TurnWorkerConfig | null,
): { endpointer: EndpointerOptions; firstAskMs: number } {
  const firstAskMs = resolveEndpointerOptions(endpointer).silenceMs;
  if (!turn) return { endpointer, firstAskMs };
  return { endpointer: { ...endpointer, silenceMs: Math.max(turn.ceilingMs, firstAskMs) }, firstAskMs };
}

export class TurnGate {
  readonly #policy: TurnPolicy;
  readonly #history = new AudioHistory(SMART_TURN_SAMPLES);
  readonly #window = new Float32Array(SMART_TURN_SAMPLES);
  readonly #emit: (e: VadWorkerEvent) => void;
  readonly #endTurn: (reason: 'model' | 'silence') => EndpointerEvent | null;
  #model: TurnModel | null = null;
  #disposed = false;

  /**
   * @param firstAskMs pause of the first question (the silence rule's `silenceMs`)
   * @param endNow ends the open turn now (`Endpointer.end('model' | 'silence')`) and returns its event
   */
  constructor(
    config: TurnWorkerConfig,
    firstAskMs: number,
    sampleRate: number,
    emit: (e: VadWorkerEvent) => void,
    endNow: (reason: 'model' | 'silence') => EndpointerEvent | null,
  ) {
    this.#policy = new TurnPolicy({ firstAskMs, reaskMs: config.reaskMs, threshold: config.threshold, sampleRate });
    this.#emit = emit;
    this.#endTurn = endNow;
    // Until `load()` says otherwise; without `load()` (no runtime support) `setModel(null)` is the silence rule.
    this.#policy.model = 'loading';
  }

  /** The model is loaded (or failed: `null` keeps the silence rule). */
  setModel(model: TurnModel | null): void {
    if (this.#disposed) {
      void model?.release();
      return;
    }
    this.#model = model;
    this.#policy.model = model ? 'ready' : 'none';
  }

  /** One hop read from the source, at its absolute position. */
  hop(samples: Float32Array, position: number): void {
    this.#history.write(samples, position);
  }

  /**
   * After each analysed frame: passes on the endpointer's event (if any), then lets the policy ask or end.
   * `endSample`, `endTime`: the end of the frame (sample position, AudioContext seconds); `behind`: samples
   * captured but not analysed yet.
   */
  frame(ev: EndpointerEvent | null, endSample: number, endTime: number, behind: number): void {
    if (ev) {
      this.#policy.event(ev);
      this.#emit({ type: 'endpointer', event: ev });
    }
    // No question while the VAD catches up (each one holds this thread for the model's time): asked once
    // caught up, so a slow machine delays the decision instead of spiralling behind the audio.
    if (behind > MAX_BEHIND_TO_ASK && this.#policy.model === 'ready') return;
    const action = this.#policy.frame(endSample);
    if (!action) return;
    if (action.type === 'end') {
      this.#end(action.reason);
      return;
    }
    const model = this.#model;
    if (!model) return;
    const window = this.#window;
    this.#history.read(window, action.endSample, this.#policy.turnStart);
    const t0 = performance.now();
    model.predict(window).then(
      (p) => {
        if (this.#disposed) return;
        const inferenceMs = performance.now() - t0;
        const verdict = this.#policy.answer(action.askId, p);
        this.#emit({
          type: 'turn_model',
          verdict: {
            turnId: action.turnId,
            probability: p,
            complete: verdict !== null,
            pauseMs: action.pauseMs,
            endSample: action.endSample,
            time: endTime,
            inferenceMs,
          },
        });
        if (verdict) this.#end('model');
      },
      (e: unknown) => {
        if (this.#disposed) return;
        this.#policy.failed(action.askId);
        this.#model = null;
        const error = new VadError(
          'turn_model_failed',
          `the end-of-turn model failed (${String(e)}); turns end on silence from now on`,
          { recoverable: true, cause: e },
        );
        this.#emit({ type: 'error', error: toVadErrorData(error) });
      },
    );
  }

  /**
   * Loads the model through the runtime and reports `turn_model_ready` (and `turn_model_failed` on failure:
   * the silence rule). Never rejects. The engine awaits it before `ready`: creating a wasm session blocks
   * the worker's thread, which must not happen while frames flow (the capture ring keeps the audio).
   */
  load(runtime: VadRuntime, url: string): Promise<void> {
    if (!runtime.loadTurnModel) {
      this.setModel(null);
      return Promise.resolve();
    }
    return runtime.loadTurnModel(url).then(
      (loaded) => {
        this.setModel(loaded.model);
        if (this.#disposed) return;
        this.#emit({
          type: 'turn_model_ready',
          ready: { ok: true, fromCache: loaded.fromCache, loadMs: loaded.loadMs },
        });
      },
      (e: unknown) => {
        this.setModel(null);
        if (this.#disposed) return;
        const error =
          e instanceof VadError
            ? e
            : new VadError('turn_model_failed', `the end-of-turn model failed to load: ${String(e)}`, { cause: e });
        this.#emit({
          type: 'error',
          error: toVadErrorData(new VadError('turn_model_failed', error.message, { recoverable: true, cause: e })),
        });
        this.#emit({ type: 'turn_model_ready', ready: { ok: false, fromCache: false, loadMs: 0 } });
      },
    );
  }

  /** An endpointer event that did not come from a frame (flush, gap): followed and passed on. */
  event(ev: EndpointerEvent): void {
    this.#policy.event(ev);
    this.#emit({ type: 'endpointer', event: ev });
  }

  /** The stream restarts (gap, reset): the open turn is forgotten. */
  reset(): void {
    this.#policy.reset();
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const m = this.#model;
    this.#model = null;
    await m?.release().catch(() => undefined);
  }

  #end(reason: 'model' | 'silence'): void {
    const ev = this.#endTurn(reason);
    if (!ev) return;
    this.#policy.event(ev);
    this.#emit({ type: 'endpointer', event: ev });
  }
}
