/**
 * What the cold-start bench (bench/coldstart.ts) reads from a page: when the user clicked Connect, when
 * the session first said `listening` (ready), the VAD's lag on every frame, each turn's stages, errors.
 * Cheap by design (a few numbers per frame into preallocated-size arrays): it runs on the page it measures.
 */
import type { PreloadedVad, VoiceSession } from '../../src/index.ts';
import type { ReadinessTimeline } from '../../src/session/readiness.ts';

export interface ColdStartDump {
  /** performance.now() at the Connect click, at `connect()` resolving, at the first `listening`. */
  clickedAt: number;
  connectedAt: number | null;
  readyAt: number | null;
  /** AudioContext time at the click (s), to put frames on the same time axis. */
  clickContextTime: number | null;
  /** Per analysed frame: [seconds since the click, lag in ms] (lag = newest captured sample - frame end). */
  lag: [number, number][];
  /** Per turn, in order: voice-to-voice and the other stages (ms). */
  turns: { turnId: string; stages: Record<string, number | undefined> }[];
  errors: { code: string; message: string }[];
  states: { state: string; at: number }[];
  /** The session's VAD cold start (performance.now() ms). */
  readiness: ReadinessTimeline | null;
  /** The page's `preload()` (performance.now() ms: since navigation), or null when it did not preload. */
  preload: { startedAt: number; readyAt: number | null; error: string | null } | null;
}

export class ColdStartRecorder {
  #clickedAt = 0;
  #connectedAt: number | null = null;
  #readyAt: number | null = null;
  #clickContextTime: number | null = null;
  readonly #lag: [number, number][] = [];
  readonly #turns: ColdStartDump['turns'] = [];
  readonly #errors: ColdStartDump['errors'] = [];
  readonly #states: ColdStartDump['states'] = [];
  #session: VoiceSession | null = null;
  #preload: ColdStartDump['preload'] = null;

  /** Follows the page's `preload()` (called as the page loads). */
  preloaded(handle: PreloadedVad | null): void {
    if (!handle) return;
    const entry = { startedAt: performance.now(), readyAt: null as number | null, error: null as string | null };
    this.#preload = entry;
    handle.ready.then(
      () => {
        entry.readyAt = performance.now();
      },
      (e: unknown) => {
        entry.error = String(e);
      },
    );
  }

  clicked(): void {
    this.#clickedAt = performance.now();
  }

  /** Subscribes to a session that `connect()` just returned. */
  watch(session: VoiceSession): void {
    const now = performance.now();
    this.#session = session;
    this.#connectedAt = now;
    const ctx = session.audioContext;
    // The AudioContext clock at the click: now's context time less the time since the click.
    this.#clickContextTime = ctx.currentTime - (now - this.#clickedAt) / 1000;
    const onState = (s: string): void => {
      const at = performance.now();
      this.#states.push({ state: s, at: at - this.#clickedAt });
      if (s === 'listening' && this.#readyAt === null) this.#readyAt = at;
    };
    onState(session.state);
    session.on('state', onState);
    session.on('vad_frame', (f) => {
      const lagMs = (f.analysedAt - (f.time + 0.032)) * 1000;
      if (Number.isFinite(lagMs)) this.#lag.push([f.time - (this.#clickContextTime ?? 0), lagMs]);
    });
    session.on('metrics', (m) => {
      this.#turns.push({ turnId: m.turnId, stages: { ...m.stages } });
    });
    session.on('error', (e) => {
      this.#errors.push({ code: e.code, message: e.message });
    });
  }

  dump(): ColdStartDump {
    return {
      clickedAt: this.#clickedAt,
      connectedAt: this.#connectedAt,
      readyAt: this.#readyAt,
      clickContextTime: this.#clickContextTime,
      lag: this.#lag,
      turns: this.#turns,
      errors: this.#errors,
      states: this.#states,
      readiness: this.#session?.readiness ?? null,
      preload: this.#preload,
    };
  }
}
