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
import { SESSION_ENDPOINTER_DEFAULTS } from '../src/session/options.ts';
import { TURN_DETECTOR_DEFAULTS } from '../src/vad/turn/turn-defaults.ts';
import {
  policyDecisions,
  sessionPolicyDecisions,
  type ModelPolicy,
  type Pause,
  type SessionPolicy,
  type TurnModel,
} from './turns-policy.ts';
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
  /** Each question's own time (features + model), by ask point: what the session waits for its answer. */
  costMs: ReadonlyMap<number, number>;
}

export interface SmartTurnInput {
  pauses: readonly Pause[];
  policy: ModelPolicy;
  thresholds: readonly number[];
}

/**
 * Sotto's session default (`turnDetector: 'smart-turn'`, src/vad/turn/turn-config.ts): the first question
 * at the session's `silenceMs`, again every `reaskMs`, silence alone at `ceilingMs`.
 */
export const SOTTO_POLICY: SessionPolicy = {
  firstAskMs: SESSION_ENDPOINTER_DEFAULTS.silenceMs,
  reaskMs: TURN_DETECTOR_DEFAULTS.reaskMs,
  ceilingMs: TURN_DETECTOR_DEFAULTS.ceilingMs,
  gridMs: 100,
};

/** The same policy with its first question at the endpointer's `turn_ending` (100 ms of pause). */
export const SOTTO_EARLY_POLICY: SessionPolicy = { ...SOTTO_POLICY, firstAskMs: 100 };

export interface SmartTurnRows {
  detectors(turns: readonly TruthTurn[]): Record<string, unknown>;
  series(turns: readonly TruthTurn[]): ChartSeries[];
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
 * The `smart_turn` / `sotto` rows from Smart Turn's answers, or `"not run: <why>"` rows (parity:
 * bench/turns-parity.ts).
 */
export function smartTurnRows(input: SmartTurnInput, model: ModelAnswers | { notRun: string }): SmartTurnRows {
  if ('notRun' in model) {
    const why = `not run: ${model.notRun}`;
    return {
      detectors: () => ({ smart_turn: why, sotto: `not run: Sotto's turn policy needs Smart Turn (${model.notRun})` }),
      series: () => [],
      inferenceP95: why,
    };
  }
  const curve = (turns: readonly TruthTurn[]): CurvePoint[] =>
    modelCurve(turns, input.pauses, model.answers, input.policy, input.thresholds);
  const atDefault = (turns: readonly TruthTurn[]): Score =>
    scoreDecisions(turns, policyDecisions(input.pauses, model.answers, model.threshold, input.policy), RATE);
  const cost = (at: number): number => model.costMs.get(at) ?? Number.POSITIVE_INFINITY;
  const sotto = (turns: readonly TruthTurn[], threshold: number, policy = SOTTO_POLICY): Score =>
    scoreDecisions(turns, sessionPolicyDecisions(input.pauses, model.answers, cost, threshold, policy, RATE), RATE);
  const sottoCurve = (turns: readonly TruthTurn[], policy = SOTTO_POLICY): CurvePoint[] =>
    input.thresholds.map((param) => ({ param, ...sotto(turns, param, policy) }));
  const sessionHow = (policy: SessionPolicy): string =>
    `Sotto's session policy (turnDetector 'smart-turn'): Smart Turn asked at ${policy.firstAskMs} ms of pause, again every ${policy.reaskMs} ms (or when a slow answer came), one question at a time, silence alone at ${policy.ceilingMs} ms; a "complete" answer ends the turn when it arrives (each question's measured time added), an answer after the user resumed is dropped; default threshold ${model.threshold}`;
  const compact = (c: readonly CurvePoint[]): Record<string, number | null>[] =>
    c.map((p) => ({
      param: p.param,
      false_cutoff_pct: p.false_cutoff_pct,
      dead_air_ms_p50: p.dead_air_ms_p50,
      turns_cut_pct: p.turns_cut_pct,
    }));
  return {
    detectors: (turns) => {
      const c = curve(turns);
      const sc = sottoCurve(turns);
      const early = sottoCurve(turns, SOTTO_EARLY_POLICY);
      return {
        smart_turn: {
          swept: 'threshold',
          how: `Smart Turn v3.2 (src/vad/turn/smart-turn.ts on onnxruntime-web wasm, 1 thread, in Chromium), asked like every turn model (bench/turns-policy.ts), default threshold ${model.threshold}; its inference time is not added (see inference_ms_p95)`,
          default_threshold: model.threshold,
          ...summary(atDefault(turns)),
          ...operatingPoints(c),
          curve: compact(c),
        },
        sotto: {
          swept: 'threshold',
          how: sessionHow(SOTTO_POLICY),
          default_threshold: model.threshold,
          ...summary(sotto(turns, model.threshold)),
          ...operatingPoints(sc),
          curve: compact(sc),
        },
        sotto_ask100: {
          swept: 'threshold',
          how: sessionHow(SOTTO_EARLY_POLICY),
          default_threshold: model.threshold,
          ...summary(sotto(turns, model.threshold, SOTTO_EARLY_POLICY)),
          ...operatingPoints(early),
          curve: compact(early),
        },
      };
    },
    series: (turns) => [
      { name: 'Smart Turn v3.2', curve: curve(turns), at_default: atDefault(turns) },
      {
        name: 'Sotto policy (Smart Turn, cost added)',
        curve: sottoCurve(turns),
        at_default: sotto(turns, model.threshold),
      },
    ],
    inferenceP95: percentile(model.inferenceMs, 0.95) ?? 'no questions',
  };
}
