/**
 * The session's microphone: the stream it sends (one it opened, or the app's `mediaStream`), whether the
 * transport sends it (listening, mute, push-to-talk, with a tail after `endTurn()`), and switching to
 * another input device. Ownership: `release()` stops the tracks of a stream the session opened, never
 * those of a `mediaStream` the app passed in (muting disables them, though, until unmuted).
 */
import { openMicrophone, type MicrophoneOptions } from '../audio/microphone.ts';
import { SottoError } from '../errors.ts';
import type { Transport } from '../transport/types.ts';
import type { ClientEndpointing } from './client-endpointing.ts';

/** Push-to-talk: the mic stays on this long after `endTurn()` so the last word's packets arrive, in ms. */
const PTT_TAIL_MS = 250;

/** What the microphone needs from its session. */
export interface SessionMicHost {
  /** The current remote transport, or null. */
  remote(): Transport | null;
  /** Push-to-talk: the mic is sent only while the user holds the turn. */
  userSpeaking(): boolean;
  /** The capture ring and VAD (they follow an input device switch), or null. */
  client(): ClientEndpointing | null;
}

export interface SessionMicOptions {
  /** The session opened the stream (it stops its tracks); false for the app's `mediaStream`. */
  owned: boolean;
  /** Listening from the start (`autoStart`). */
  listening: boolean;
  pushToTalk: boolean;
  /** Constraints of a device the session opens (`setInputDevice`). */
  microphone: MicrophoneOptions | undefined;
}

export class SessionMic {
  readonly #h: SessionMicHost;
  readonly #pushToTalk: boolean;
  readonly #microphone: MicrophoneOptions | undefined;
  #stream: MediaStream;
  #owned: boolean;
  #listening: boolean;
  #muted = false;
  #tail: ReturnType<typeof setTimeout> | undefined;

  constructor(stream: MediaStream, options: SessionMicOptions, host: SessionMicHost) {
    this.#h = host;
    this.#stream = stream;
    this.#owned = options.owned;
    this.#listening = options.listening;
    this.#pushToTalk = options.pushToTalk;
    this.#microphone = options.microphone;
  }

  /** The stream now (replaced by an input device switch). */
  get stream(): MediaStream {
    return this.#stream;
  }

  /** `start()`ed and not `stop()`ped. */
  get listening(): boolean {
    return this.#listening;
  }

  set listening(on: boolean) {
    this.#listening = on;
  }

  get muted(): boolean {
    return this.#muted;
  }

  set muted(on: boolean) {
    this.#muted = on;
  }

  /** The stream's audio track; throws `no_microphone` when it has none. */
  track(): MediaStreamTrack {
    const [track] = this.#stream.getAudioTracks();
    if (!track) throw new SottoError('no_microphone', 'the microphone stream has no audio track');
    return track;
  }

  /** The transport's mic follows listening, mute and push-to-talk. */
  async apply(): Promise<void> {
    const on = this.#listening && !this.#muted && (!this.#pushToTalk || this.#h.userSpeaking());
    // Muting disables the track itself too, so nothing reaches the ring or a transport.
    for (const t of this.#stream.getAudioTracks()) t.enabled = !this.#muted;
    const remote = this.#h.remote();
    if (remote && (remote.status === 'connected' || remote.status === 'reconnecting')) {
      await remote.setMicEnabled(on);
    }
  }

  /** Push-to-talk: the turn ended; the mic follows after {@link PTT_TAIL_MS}. */
  startTail(): void {
    this.#tail = setTimeout(() => void this.apply(), PTT_TAIL_MS);
  }

  /** Forgets a pending push-to-talk tail. */
  cancelTail(): void {
    clearTimeout(this.#tail);
  }

  /**
   * Switches to another input device: the new track is sent and captured; the old one is stopped if the
   * session opened it. Rejects with `no_microphone` / `mic_permission_denied`.
   */
  async switchDevice(deviceId: string): Promise<void> {
    const next = await openMicrophone({ ...this.#microphone, deviceId });
    const [track] = next.getAudioTracks();
    const remote = this.#h.remote();
    if (!track || (remote && !remote.replaceMicTrack)) {
      for (const t of next.getTracks()) t.stop();
      throw new SottoError(track ? 'internal' : 'no_microphone', `cannot switch to microphone ${deviceId}`);
    }
    await remote?.replaceMicTrack?.(track);
    this.#h.client()?.switchSource(next);
    if (this.#owned) for (const t of this.#stream.getTracks()) t.stop();
    this.#stream = next;
    this.#owned = true;
    await this.apply();
  }

  /** Stops the tracks of a stream the session opened. */
  stopOwned(): void {
    if (this.#owned) for (const t of this.#stream.getTracks()) t.stop();
  }
}
