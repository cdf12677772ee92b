/**
 * The remote agent's voice in the page: an {@link ElementOutput} for its current WebRTC track (replaced
 * when a reconnection brings a new one), the user's volume and output device, and the AudioContext /
 * media element unlock on the first gesture where the browser blocks autoplay (Safari, iOS).
 */
import { SottoError } from '../errors.ts';
import { ElementOutput } from './element-output.ts';
import { onFirstGesture } from './gesture-unlock.ts';

export interface AgentAudioOptions {
  /** Output volume 0–1. */
  volume?: number;
  /** Output device (`MediaDeviceInfo.deviceId`). */
  outputDeviceId?: string;
  /** Unlock on the first gesture. Default true. */
  unlockOnGesture?: boolean;
  /** Other outputs to (re)start on the unlock gesture (the on-device engine's). */
  alsoPlay?: () => { play(): Promise<void> } | null;
  error: (e: SottoError) => void;
}

export class AgentAudio {
  readonly #ctx: AudioContext;
  readonly #o: AgentAudioOptions;
  #output: ElementOutput | null = null;
  #cancelUnlock: (() => void) | null = null;
  #closed = false;

  constructor(ctx: AudioContext, options: AgentAudioOptions) {
    this.#ctx = ctx;
    this.#o = options;
  }

  /** The output of the current track, once the agent's audio arrived. */
  get output(): ElementOutput | null {
    return this.#output;
  }

  /** Plays `track` (the previous one's output is closed). Resolves with the new output, or null once closed. */
  async attach(track: MediaStreamTrack): Promise<ElementOutput | null> {
    this.#output?.close();
    const out = await ElementOutput.create(this.#ctx, track, (e) => {
      this.#o.error(
        new SottoError('audio_blocked', `agent audio is blocked until the user interacts: ${String(e)}`, { cause: e }),
      );
      this.unlock(true);
    });
    if (this.#closed) {
      out.close();
      return null;
    }
    if (this.#o.volume !== undefined) out.setVolume(this.#o.volume);
    if (this.#o.outputDeviceId) {
      await out.setSinkId(this.#o.outputDeviceId).catch((e: unknown) => {
        this.#o.error(new SottoError('internal', `could not select the output device: ${String(e)}`, { cause: e }));
      });
    }
    this.#output = out;
    return out;
  }

  /** Resumes the AudioContext and the outputs now, or on the first gesture if the browser says no. */
  unlock(force = false): void {
    if (this.#o.unlockOnGesture === false) return;
    if (!force && this.#ctx.state !== 'suspended') return;
    void this.#ctx.resume().catch(() => undefined);
    this.#cancelUnlock?.();
    this.#cancelUnlock = onFirstGesture(() => {
      this.#cancelUnlock = null;
      void this.#ctx.resume().catch(() => undefined);
      this.#output?.play().catch(() => undefined);
      this.#o
        .alsoPlay?.()
        ?.play()
        .catch(() => undefined);
    });
  }

  /** Removes the element and the gesture listeners. The track is the transport's. */
  close(): void {
    this.#closed = true;
    this.#cancelUnlock?.();
    this.#output?.close();
    this.#output = null;
  }
}
