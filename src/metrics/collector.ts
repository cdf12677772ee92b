import { summarize, type Summary } from './percentile.ts';
import { deriveStages, type StageName, type TurnMarks, type TurnMetrics } from './timeline.ts';

/** Session-level statistics: p50/p95 per stage over the finished turns. */
export type SessionStats = { turns: number } & Partial<Record<StageName, Summary>>;

/**
 * Collects per-turn marks and finishes turns into {@link TurnMetrics}. A mark is kept only the first time
 * it is set for a turn (the first audio is the first audio), so late duplicates cannot move it.
 */
export class MetricsCollector {
  readonly #open = new Map<string, TurnMarks>();
  readonly #modes = new Map<string, 'remote' | 'local'>();
  readonly #done: TurnMetrics[] = [];
  readonly #keep: number;

  /** @param keep finished turns kept for {@link stats} (oldest dropped first). Default 500. */
  constructor(keep = 500) {
    this.#keep = keep;
  }

  mark(turnId: string, name: keyof TurnMarks, time: number): void {
    if (!Number.isFinite(time)) return;
    let m = this.#open.get(turnId);
    if (!m) {
      m = {};
      this.#open.set(turnId, m);
    }
    m[name] ??= time;
  }

  /** Marks of an open turn (a copy), or undefined. */
  marks(turnId: string): TurnMarks | undefined {
    const m = this.#open.get(turnId);
    return m ? { ...m } : undefined;
  }

  /** Forgets an open turn that will not finish (a discarded turn). */
  discard(turnId: string): void {
    this.#open.delete(turnId);
    this.#modes.delete(turnId);
  }

  /** Which agent answers the turn (the last call wins: a turn answered again locally is local). */
  setMode(turnId: string, mode: 'remote' | 'local'): void {
    this.#modes.set(turnId, mode);
  }

  /** Closes the turn and returns its metrics (undefined for an unknown turn). */
  finish(turnId: string): TurnMetrics | undefined {
    const marks = this.#open.get(turnId);
    if (!marks) return undefined;
    this.#open.delete(turnId);
    const mode = this.#modes.get(turnId);
    this.#modes.delete(turnId);
    const t: TurnMetrics = { turnId, ...(mode ? { mode } : {}), marks, stages: deriveStages(marks) };
    this.#done.push(t);
    if (this.#done.length > this.#keep) this.#done.shift();
    return t;
  }

  /** Finished turns, oldest first. */
  turns(): readonly TurnMetrics[] {
    return this.#done;
  }

  stats(): SessionStats {
    const out: SessionStats = { turns: this.#done.length };
    const names = new Set(this.#done.flatMap((t) => Object.keys(t.stages) as StageName[]));
    for (const name of names) {
      out[name] = summarize(this.#done.map((t) => t.stages[name] ?? Number.NaN));
    }
    return out;
  }
}
