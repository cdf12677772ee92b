/**
 * `npm run bench -- chaos`: every fault of issue 11 against the real stack (livekit-server, agent worker,
 * demo page in Chromium through the SDK's connect()), with `fallback: 'auto'` and `'off'`, speaking turns
 * before, during and after (client endpointing). The user is simulated (chaos/user.ts): the twelve sentences
 * of the `multiturn` fixture said one at a time into the page's mic, each after the answer to the one before
 * (0.7 s after it ends), or again after 3.5 s when no answer comes or 1.5 s after a remote answer went silent.
 *
 * Per fault and mode (`<fault>_<mode>`): runs; the share of turns spoken after recovery that were detected
 * and answered audibly; recovery -> the next answer the user heard (p95; p50 in `detail`); turns lost from the fault
 * on; samples lost (what the SDK reports of turn audio it could not read back for the on-device engine);
 * unexpected errors (error events other than the link's own troubles, and page errors).
 *
 * Env: CHAOS_RUNS (runs per fault and mode, default 2: ~25 min on a 2-core machine), CHAOS_FAULTS and
 * CHAOS_MODES (comma lists to run a subset), CHAOS_AFTER_S (seconds of turns after recovery, default 24).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, launchChromium, root } from '../e2e/browser.ts';
import { FAULTS, type FaultName } from './chaos/faults.ts';
import { runOnce, type Mode, type RunResult } from './chaos/run.ts';
import { percentile } from './chaos/score.ts';
import { startChaosStack } from './chaos/stack.ts';
import { sentencesOf } from './chaos/user.ts';

const MODES: readonly Mode[] = ['auto', 'off'];

function envList<T extends string>(name: string, all: readonly T[]): T[] {
  const raw = process.env[name];
  if (!raw) return [...all];
  const want = raw.split(',').map((s) => s.trim());
  const bad = want.filter((w) => !all.includes(w as T));
  if (bad.length > 0) throw new Error(`${name}: unknown ${bad.join(', ')}; known: ${all.join(', ')}`);
  return want as T[];
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export interface FaultSummary {
  runs: number;
  after_recovery_answered_pct: number;
  recover_to_answer_ms_p95: number | null;
  turns_lost: number;
  samples_lost: number;
  unexpected_errors: number;
}

/** The median of the runs' values that exist; null when none does. */
function median(xs: readonly (number | null)[]): number | null {
  return percentile(
    xs.filter((x): x is number => x !== null),
    50,
  );
}

export function summarise(results: readonly RunResult[]): {
  summary: FaultSummary;
  p50: number | null;
  /**
   * Medians for the first answered turn the user began after recovery: recovery -> its answer, and how
   * that splits (until the turn ended: the user talking; then to its reply: the system).
   */
  split: {
    recover_to_new_turn_answer_ms_p50: number | null;
    recover_to_turn_end_ms_p50: number | null;
    turn_end_to_answer_ms_p50: number | null;
  };
} {
  const turns = results.reduce((n, r) => n + r.afterTurns, 0);
  const answered = results.reduce((n, r) => n + r.afterAnswered, 0);
  // Recovery -> the next answer the user heard (to a turn held or cut by the fault, or spoken after it). A
  // run with none did not recover within the window: it counts as never.
  const times = results.map((r) => r.recoverToFirstReplyMs ?? Number.POSITIVE_INFINITY);
  const finite = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);
  return {
    summary: {
      runs: results.length,
      after_recovery_answered_pct: turns === 0 ? 0 : Math.round((1000 * answered) / turns) / 10,
      recover_to_answer_ms_p95: finite(percentile(times, 95)),
      turns_lost: results.reduce((n, r) => n + r.turnsLost, 0),
      samples_lost: results.reduce((n, r) => n + r.samplesLost, 0),
      unexpected_errors: results.reduce((n, r) => n + r.unexpectedErrors.length, 0),
    },
    p50: finite(percentile(times, 50)),
    split: {
      recover_to_new_turn_answer_ms_p50: median(results.map((r) => r.recoverToAnswerMs)),
      recover_to_turn_end_ms_p50: median(results.map((r) => r.recoverToTurnEndMs)),
      turn_end_to_answer_ms_p50: median(results.map((r) => r.turnEndToAnswerMs)),
    },
  };
}

type Split = ReturnType<typeof summarise>['split'];

function table(
  faults: Record<string, FaultSummary>,
  p50: Record<string, number | null>,
  split: Record<string, Split>,
): string {
  const ms = (x: number | null): string => (x === null ? 'never' : String(x));
  const part = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : String(x));
  const rows = Object.entries(faults).map(
    ([k, f]) =>
      `| ${k} | ${String(f.runs)} | ${String(f.after_recovery_answered_pct)} % | ${ms(p50[k] ?? null)} / ${ms(f.recover_to_answer_ms_p95)} | ${part(split[k]?.recover_to_new_turn_answer_ms_p50)} = ${part(split[k]?.recover_to_turn_end_ms_p50)} + ${part(split[k]?.turn_end_to_answer_ms_p50)} | ${String(f.turns_lost)} | ${String(f.samples_lost)} | ${String(f.unexpected_errors)} |`,
  );
  return [
    '| fault_mode | runs | answered after recovery | recovery -> next answer heard, ms p50 / p95 | first turn begun after recovery: recovery -> its answer = until it ended + its end -> answer, ms p50 | turns lost | samples lost | unexpected errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

export async function runChaosBench(): Promise<Record<string, unknown>> {
  const runs = envInt('CHAOS_RUNS', 2);
  const afterS = envInt('CHAOS_AFTER_S', 24);
  const faults = envList<FaultName>('CHAOS_FAULTS', FAULTS);
  const modes = envList<Mode>('CHAOS_MODES', MODES);
  const stack = await startChaosStack(root);
  const sentences = sentencesOf(fixture('multiturn'));
  const browser = await launchChromium();
  const all: RunResult[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const fault of faults) {
        for (const mode of modes) {
          const t0 = performance.now();
          const r = await runOnce(browser, stack, fault, mode, afterS, sentences);
          all.push(r);
          console.log(
            `chaos ${fault}_${mode} #${String(i + 1)}: answered ${String(r.afterAnswered)}/${String(r.afterTurns)} after recovery, ` +
              `first answer ${r.recoverToAnswerMs === null ? 'never' : `${String(r.recoverToAnswerMs)} ms`}, lost ${String(r.turnsLost)}, ` +
              `samples lost ${String(r.samplesLost)}, unexpected ${JSON.stringify(r.unexpectedErrors)}${r.note ? `, ${r.note}` : ''} ` +
              `(${((performance.now() - t0) / 1000).toFixed(0)} s)`,
          );
        }
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await stack.stop();
  }
  const out: Record<string, FaultSummary> = {};
  const p50: Record<string, number | null> = {};
  const split: Record<string, Split> = {};
  for (const fault of faults) {
    for (const mode of modes) {
      const key = `${fault}_${mode}`;
      const s = summarise(all.filter((r) => r.fault === fault && r.mode === mode));
      out[key] = s.summary;
      p50[key] = s.p50;
      split[key] = s.split;
    }
  }
  const md = table(out, p50, split);
  console.log(`\n${md}\n`);
  writeFileSync(join(root, 'bench', 'results', 'chaos.md'), `${md}\n`);
  return {
    faults: out,
    detail: {
      recover_to_answer_ms_p50: p50,
      recover_to_answer_split: split,
      after_s: afterS,
      runs: all,
      definitions:
        'Recovery: livekit-server answering again (server_kill, outage_30s: restarted; server_freeze: SIGCONT), the link back ' +
        '(browser_offline: network service thawed, context online), the fault itself (participant_removed, job_kill: the ' +
        'server stays reachable). A turn is a client turn_end; it is answered when a reply becomes audible before the next ' +
        'turn_end and is heard for at least 1 s (a reply cut a moment after it began answers nothing). turns_lost counts ' +
        'turns from the fault on with no such reply. recover_to_answer_ms (p95 in faults, p50 in detail): recovery -> the ' +
        'first such reply that became audible after it: the answer the user waited for, to a turn spoken during the fault ' +
        '(held, or cut when its agent died) or after it; a run with none counts as never (reported as null). ' +
        'recover_to_answer_split: medians for the first answered turn the user began after recovery: recovery -> its ' +
        'answer, recovery -> its end (the simulated user talking) and its end -> its answer (the system). The simulated ' +
        'user (bench/chaos/user-policy.ts) says the next sentence 0.7 s after an answer ends, asks again 3.5 s after its ' +
        'sentence when no answer came, 1.5 s after a remote answer went silent or broke off.',
    },
  };
}
