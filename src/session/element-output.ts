import { OutputTap, type OutputTapStats } from '../audio/output-tap.ts';
import type { AgentOutput } from './agent-output.ts';

/**
 * The remote agent's track played through an `<audio>` element — the path Chrome's echo canceller
 * sees, so the agent does not hear itself (audio routed through Web Audio is not cancelled:
 * crbug.com/687574). Ducking sets the element's volume (applied by the renderer within its next
 * buffer, ~10 ms); an {@link OutputTap} on the same track measures what arrives, and mirrors the
 * volume so "heard" counts what the user was meant to hear.
 */
export class ElementOutput implements AgentOutput {
  readonly #ctx: AudioContext;
  readonly #el: HTMLAudioElement;
  readonly #tap: OutputTap;
  #volume = 1;
  #ducked: number | null = null;

  private constructor(ctx: AudioContext, el: HTMLAudioElement, tap: OutputTap) {
    this.#ctx = ctx;
    this.#el = el;
    this.#tap = tap;
  }

  /**
   * Starts playing `track`. `onBlocked` is called when autoplay is refused (no user gesture yet); the
   * caller retries {@link play} on the next gesture.
   */
  static async create(
    ctx: AudioContext,
    track: MediaStreamTrack,
    onBlocked: (e: unknown) => void,
  ): Promise<ElementOutput> {
    const el = document.createElement('audio');
    el.autoplay = true;
    el.srcObject = new MediaStream([track]);
    const tap = await OutputTap.create(ctx, track);
    const out = new ElementOutput(ctx, el, tap);
    out.play().catch(onBlocked);
    return out;
  }

  /** (Re)starts the element; rejects when autoplay is blocked. */
  play(): Promise<void> {
    return this.#el.play();
  }

  duck(gain: number): number {
    this.#ducked = gain;
    this.#apply();
    return this.#ctx.currentTime;
  }

  restore(): void {
    this.#ducked = null;
    this.#apply();
  }

  armReply(): void {
    this.#tap.arm(this.#ctx.currentTime);
  }

  replyStartTime(): number | null {
    return this.#tap.stats().armedFirstAudibleTime;
  }

  lastHeardTime(): number | null {
    return this.#tap.stats().lastHeardTime;
  }

  lastAudibleTime(): number | null {
    return this.#tap.stats().lastAudibleTime;
  }

  audible(withinMs = 60): boolean {
    const last = this.#tap.stats().lastAudibleTime;
    return last !== null && this.#ctx.currentTime - last <= withinMs / 1000;
  }

  setVolume(volume: number): void {
    this.#volume = Math.min(1, Math.max(0, volume));
    this.#apply();
  }

  async setSinkId(deviceId: string): Promise<void> {
    const el = this.#el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (typeof el.setSinkId !== 'function') throw new Error('this browser cannot choose the output device');
    await el.setSinkId(deviceId);
  }

  /** What the tap measured on the track so far. */
  stats(): OutputTapStats {
    return this.#tap.stats();
  }

  close(): void {
    this.#tap.close();
    this.#el.pause();
    this.#el.srcObject = null;
    this.#el.remove();
  }

  #apply(): void {
    const v = this.#ducked === null ? this.#volume : Math.min(this.#volume, this.#ducked);
    this.#el.volume = v;
    this.#tap.setGain(v);
  }
}
