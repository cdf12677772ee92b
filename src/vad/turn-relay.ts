/**
 * What the {@link VadClient} remembers of the worker's turns (main thread): turn ids that stay unique
 * across worker restarts, the turn still open, and how far the worker got, so that a crash can close
 * that turn.
 */
import type { EndpointerEvent, SpeechStartEvent, TurnEndEvent } from './events.ts';
import { SILERO_FRAME_SAMPLES, SILERO_SAMPLE_RATE } from './silero.ts';

/** Turn bookkeeping across worker generations. */
export class TurnRelay {
  #open: SpeechStartEvent | null = null;
  #offset = 0;
  #maxTurnId = 0;
  #lastPos = 0;
  #lastTime = Number.NaN;

  /** The position after the last frame the worker reported (frames, stats or events). */
  get lastPosition(): number {
    return this.#lastPos;
  }

  /** An endpointer event from the current worker, its turn id made unique; remembers the open turn. */
  relay(raw: EndpointerEvent): EndpointerEvent {
    const ev = this.#offset === 0 ? raw : { ...raw, turnId: raw.turnId + this.#offset };
    this.#maxTurnId = Math.max(this.#maxTurnId, ev.turnId);
    this.#lastPos = Math.max(this.#lastPos, ev.decisionSample);
    if (ev.type === 'speech_start') this.#open = ev;
    else if (ev.type === 'turn_end' || ev.type === 'misfire') this.#open = null;
    return ev;
  }

  /** A frame was analysed: `position`/`time` of its first sample. */
  frame(position: number, time: number): void {
    this.#lastPos = position + SILERO_FRAME_SAMPLES;
    this.#lastTime = time + SILERO_FRAME_SAMPLES / SILERO_SAMPLE_RATE;
  }

  /** The worker's stats said it reached `position`. */
  progress(position: number): void {
    this.#lastPos = Math.max(this.#lastPos, position);
  }

  /** A new worker starts: its turn ids follow the old one's. */
  nextGeneration(): void {
    this.#offset = this.#maxTurnId;
  }

  /** Forgets the open turn (the endpointer was reset: no event closes it). */
  forgetOpenTurn(): void {
    this.#open = null;
  }

  /**
   * The worker died: the `turn_end` (reason `flush`) that closes the open turn at the last analysed
   * position (`progress`: the worker's shared progress, [position, time], when cross-origin isolated),
   * or null when no turn is open.
   */
  closeOpenTurn(progress: Float64Array | null): TurnEndEvent | null {
    const start = this.#open;
    if (!start) return null;
    this.#open = null;
    const endSample = Math.max(start.decisionSample, progress ? (progress[0] ?? 0) : this.#lastPos);
    const endTime = progress && Number.isFinite(progress[1]) ? (progress[1] ?? Number.NaN) : this.#lastTime;
    return {
      type: 'turn_end',
      turnId: start.turnId,
      decisionSample: endSample,
      decisionTime: endTime,
      reason: 'flush',
      onsetTime: start.onsetTime,
      onsetSample: start.onsetSample,
      startSample: start.startSample,
      startTime: start.startTime,
      endSample,
      endTime,
      // Approximate: the frame classes died with the worker.
      speechMs: ((endSample - start.onsetSample) * 1000) / SILERO_SAMPLE_RATE,
    };
  }
}
