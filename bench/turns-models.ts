/**
 * The `smart_turn` and `sotto` rows of bench/turns.ts. Smart Turn v3.2 plugs in as a {@link TurnModel}
 * (`(audio16kUpToDecisionPoint) => Promise<probability>`), asked at the same pause points and scored the
 * same way as LiveKit's model (bench/turns-policy.ts). Until its module and weights are in the tree,
 * the rows say `"not run: <reason>"` (never a made-up number).
 *
 * Wiring: when src/vad/turn/smart-turn.ts (issue 12 item 1) and its weights are in the tree, bench/turns.ts
 * asks it on the bench page (demo/lab/turns-bench.ts `smartTurn`: the module's `SmartTurn` on
 * onnxruntime-web wasm, 1 thread, the page's copy of the stream) and these rows fill in by themselves. Once
 * the worker exposes its predict API, that page method can post the questions to the worker instead.
 * `sotto` (the session's policy: first question at its first pause, re-asked as the pause grows, a silence
 * ceiling) is then a ModelPolicy with the policy's own defaults, scored at its default threshold.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolsDir } from '../scripts/tools.mjs';
import type { ChartSeries } from './turns-chart.ts';
import { policyDecisions, type ModelPolicy, type Pause, type TurnModel } from './turns-policy.ts';
import {
  operatingPoints,
  percentile,
  scoreDecisions,
  summary,
  type CurvePoint,
  type Score,
  type TruthTurn,
} from './turns-score.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RATE = 16_000;

/** Where the turn-model work puts its module and weights (setup fetches the weights). */
export const SMART_TURN_MODULE = join(root, 'src', 'vad', 'turn', 'smart-turn.ts');
export const SMART_TURN_WEIGHTS = join(toolsDir(root), 'models', 'smart-turn-v3.2', 'smart-turn-v3.2-cpu.onnx');

/** Why Smart Turn cannot run in this tree, or null when it can. */
export function smartTurnMissing(): string | null {
  if (!existsSync(SMART_TURN_MODULE))
    return `Smart Turn is not in this tree (${SMART_TURN_MODULE.slice(root.length)} missing; issue 12 item 1)`;
  if (!existsSync(SMART_TURN_WEIGHTS))
    return `Smart Turn weights missing (${SMART_TURN_WEIGHTS}); run scripts/setup.mjs`;
  return null;
}

/** A turn model's answers at the ask points, with its default threshold and its time per question. */
export interface ModelAnswers {
  answers: ReadonlyMap<number, number>;
  threshold: number;
  inferenceMs: readonly number[];
}

export interface SmartTurnInput {
  pauses: readonly Pause[];
  policy: ModelPolicy;
  thresholds: readonly number[];
}

export interface SmartTurnRows {
  detectors(turns: readonly TruthTurn[]): Record<string, unknown>;
  series(turns: readonly TruthTurn[]): ChartSeries[];
  parity: number | string;
  inferenceP95: number | string;
}

/** Answers of a per-question model at every ask point (in order, one at a time). */
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

/**
 * The `smart_turn` / `sotto` rows from Smart Turn's answers, or `"not run: <why>"` rows. `parity_max_abs_diff`
 * is the turn-model parity test's figure (src/vad/turn/smart-turn.test.ts, JS vs the Python reference); it
 * is not recomputed here.
 */
export function smartTurnRows(input: SmartTurnInput, model: ModelAnswers | { notRun: string }): SmartTurnRows {
  if ('notRun' in model) {
    const why = `not run: ${model.notRun}`;
    return {
      detectors: () => ({ smart_turn: why, sotto: `not run: Sotto's turn policy needs Smart Turn (${model.notRun})` }),
      series: () => [],
      parity: why,
      inferenceP95: why,
    };
  }
  const curve = (turns: readonly TruthTurn[]): CurvePoint[] =>
    modelCurve(turns, input.pauses, model.answers, input.policy, input.thresholds);
  const atDefault = (turns: readonly TruthTurn[]): Score =>
    scoreDecisions(turns, policyDecisions(input.pauses, model.answers, model.threshold, input.policy), RATE);
  return {
    detectors: (turns) => {
      const c = curve(turns);
      return {
        smart_turn: {
          swept: 'threshold',
          how: `Smart Turn v3.2 (src/vad/turn/smart-turn.ts on onnxruntime-web wasm, 1 thread, in Chromium), asked like every turn model (bench/turns-policy.ts), default threshold ${model.threshold}`,
          default_threshold: model.threshold,
          ...summary(atDefault(turns)),
          ...operatingPoints(c),
          curve: c.map((p) => ({
            param: p.param,
            false_cutoff_pct: p.false_cutoff_pct,
            dead_air_ms_p50: p.dead_air_ms_p50,
            turns_cut_pct: p.turns_cut_pct,
          })),
        },
        sotto: "not run: Sotto's turn policy (issue 12 item 2) is not in this tree; see bench/turns-models.ts",
      };
    },
    series: (turns) => [{ name: 'Smart Turn v3.2', curve: curve(turns), at_default: atDefault(turns) }],
    parity: 'not run: see the turn-model parity test (src/vad/turn/smart-turn.test.ts)',
    inferenceP95: percentile(model.inferenceMs, 0.95) ?? 'no questions',
  };
}
