/**
 * The `smart_turn` and `sotto` rows of bench/turns.ts. Smart Turn v3.2 plugs in as a {@link TurnModel}
 * (`(audio16kUpToDecisionPoint) => Promise<probability>`), asked at the same pause points and scored the
 * same way as LiveKit's model (bench/turns-policy.ts). Until its module and weights are in the tree,
 * the rows say `"not run: <reason>"` (never a made-up number).
 *
 * Wiring, once src/vad/turn/ (Smart Turn in the VAD worker) has landed:
 * - `loadSmartTurn()` returns `{ predict, threshold, inferenceMs, parity }`: predict through the worker
 *   (Chromium, wasm, 1 thread; e.g. a page method beside demo/lab/turns-bench.ts that posts each question's
 *   audio to the worker's predict API), `threshold` = SMART_TURN_THRESHOLD, `parity` = max |JS - Python| over
 *   the parity fixture;
 * - `sotto` = the session's policy (first question at its first pause, re-asked as the pause grows, a silence
 *   ceiling): its own ModelPolicy with the policy's defaults, at the default threshold.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolsDir } from '../scripts/tools.mjs';
import type { ChartSeries } from './turns-chart.ts';
import { askPoints, policyDecisions, type ModelPolicy, type Pause, type TurnModel } from './turns-policy.ts';
import { operatingPoints, percentile, scoreDecisions, type CurvePoint, type TruthTurn } from './turns-score.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RATE = 16_000;

/** Where the turn-model work puts its module and weights (setup fetches the weights). */
export const SMART_TURN_MODULE = join(root, 'src', 'vad', 'turn', 'smart-turn.ts');
export const SMART_TURN_WEIGHTS = join(toolsDir(root), 'models', 'smart-turn-v3.2', 'smart-turn-v3.2-cpu.onnx');

export interface LoadedTurnModel {
  predict: TurnModel;
  threshold: number;
  inferenceMs: number[];
  parity: number | string;
  close(): Promise<void>;
}

/** Why Smart Turn cannot run in this tree, or null when it can. */
export function smartTurnMissing(): string | null {
  if (!existsSync(SMART_TURN_MODULE))
    return `Smart Turn is not in this tree (${SMART_TURN_MODULE.slice(root.length)} missing; issue 12 item 1)`;
  if (!existsSync(SMART_TURN_WEIGHTS))
    return `Smart Turn weights missing (${SMART_TURN_WEIGHTS}); run scripts/setup.mjs`;
  return 'Smart Turn is in the tree but its worker predict API is not wired into bench/turns-models.ts yet';
}

export interface SmartTurnInput {
  pauses: readonly Pause[];
  asks: readonly number[];
  audioUpTo: (at: number) => Float32Array;
  policy: ModelPolicy;
  thresholds: readonly number[];
}

export interface SmartTurnRows {
  detectors(turns: readonly TruthTurn[]): Record<string, unknown>;
  series(turns: readonly TruthTurn[]): ChartSeries[];
  parity: number | string;
  inferenceP95: number | string;
}

/** Answers of `model` at every ask point (in order, one at a time). */
export async function answersOf(
  model: TurnModel,
  asks: readonly number[],
  audioUpTo: (at: number) => Float32Array,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const at of asks) out.set(at, await model(audioUpTo(at)));
  return out;
}

/** A model's curve over the thresholds under `policy`. */
export function modelCurve(
  turns: readonly TruthTurn[],
  pauses: readonly Pause[],
  answers: ReadonlyMap<number, number>,
  policy: ModelPolicy,
  thresholds: readonly number[],
): CurvePoint[] {
  return thresholds.map((param) => ({
    param,
    ...scoreDecisions(turns, policyDecisions(pauses, answers, param, policy), RATE),
  }));
}

export async function smartTurnRows(
  input: SmartTurnInput,
  load?: () => Promise<LoadedTurnModel>,
): Promise<SmartTurnRows> {
  const missing = load ? null : smartTurnMissing();
  if (missing !== null || !load) {
    const why = `not run: ${missing ?? 'no loader'}`;
    return {
      detectors: () => ({ smart_turn: why, sotto: `not run: Sotto's turn policy needs Smart Turn (${missing ?? ''})` }),
      series: () => [],
      parity: why,
      inferenceP95: why,
    };
  }
  const model = await load();
  let answers: Map<number, number>;
  try {
    answers = await answersOf(model.predict, askPoints(input.pauses, input.policy), input.audioUpTo);
  } finally {
    await model.close();
  }
  const curve = (turns: readonly TruthTurn[]): CurvePoint[] =>
    modelCurve(turns, input.pauses, answers, input.policy, input.thresholds);
  return {
    detectors: (turns) => {
      const c = curve(turns);
      const at = scoreDecisions(turns, policyDecisions(input.pauses, answers, model.threshold, input.policy), RATE);
      return {
        smart_turn: { swept: 'threshold', default_threshold: model.threshold, ...at, ...operatingPoints(c), curve: c },
        sotto: "not run: Sotto's policy module is not wired yet (see bench/turns-models.ts)",
      };
    },
    series: (turns) => [{ name: 'Smart Turn v3.2', curve: curve(turns) }],
    parity: model.parity,
    inferenceP95: percentile(model.inferenceMs, 0.95) ?? 'no questions',
  };
}
