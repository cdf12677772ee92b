/**
 * The end-of-turn detector's options (user-facing) and the worker configuration they resolve to.
 * Main thread, pure data.
 */
import { defaultTurnModelUrl } from './assets.ts';
import { TURN_DETECTOR_DEFAULTS } from './turn-defaults.ts';

/** Options of the end-of-turn model (`VadOptions.turn`). Every one is optional. */
export interface TurnDetectorOptions {
  /**
   * Who ends a turn. `'smart-turn'`: at the first pause the end-of-turn model (Smart Turn v3.2) is asked;
   * "complete" ends the turn at once, "incomplete" keeps listening (asked again every `reaskMs`) until
   * `ceilingMs` of silence. `'silence'`: `endpointer.silenceMs` of silence ends the turn (no model).
   * Default `'silence'` for a bare `VadClient`; the voice session defaults to `'smart-turn'`.
   */
  detector?: 'smart-turn' | 'silence';
  /** Smart Turn v3.2 ONNX (8.7 MB). Default: the copy setup puts in `.tools/models/`, served as an asset. */
  modelUrl?: string;
  /** Probability at or above which the turn is complete, 0–1. Default `0.5` (the reference's). */
  threshold?: number;
  /** Pause added before each further question while the model says incomplete, in ms. Default `300`. */
  reaskMs?: number;
  /**
   * Silence that ends the turn whatever the model says, in ms. Default `2000`. The model is first asked
   * at `endpointer.silenceMs` of pause (the silence rule's own threshold).
   */
  ceilingMs?: number;
}

/** What the worker gets (`VadWorkerConfig.turn`); `null` for the silence rule. */
export interface TurnWorkerConfig {
  readonly modelUrl: string;
  readonly threshold: number;
  readonly reaskMs: number;
  readonly ceilingMs: number;
}

export { TURN_DETECTOR_DEFAULTS };

/**
 * Resolves the options (URL made absolute against the page); `null` for the silence rule. Throws a
 * `RangeError` for an out-of-range value.
 */
export function turnWorkerConfig(
  options: TurnDetectorOptions | undefined,
  abs: (url: string) => string,
): TurnWorkerConfig | null {
  if (!options || (options.detector ?? 'silence') === 'silence') return null;
  const threshold = options.threshold ?? TURN_DETECTOR_DEFAULTS.threshold;
  const reaskMs = options.reaskMs ?? TURN_DETECTOR_DEFAULTS.reaskMs;
  const ceilingMs = options.ceilingMs ?? TURN_DETECTOR_DEFAULTS.ceilingMs;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`turn.threshold must be in 0..1, got ${threshold}`);
  if (!(reaskMs > 0 && Number.isFinite(reaskMs))) throw new RangeError(`turn.reaskMs must be > 0, got ${reaskMs}`);
  if (!(ceilingMs > 0 && Number.isFinite(ceilingMs)))
    throw new RangeError(`turn.ceilingMs must be > 0, got ${ceilingMs}`);
  return { modelUrl: abs(options.modelUrl ?? defaultTurnModelUrl()), threshold, reaskMs, ceilingMs };
}
