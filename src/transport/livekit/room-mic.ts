/**
 * The microphone as one room sees it: a clone of the session's capture track, published into that room
 * and stopped with it. livekit-client stops every local track it published when it gives up on a room
 * (`unpublishTrack(track, true)` -> `track.stop()` on its disconnect path, whatever the track's origin);
 * publishing the capture track itself would leave the session's capture worklet and VAD reading an ended
 * track after the first full rejoin. A clone per room keeps the capture track alive through any number of
 * rejoins, and each new room gets its own, with the mute state the session asked for.
 */
import { Track, type LocalTrackPublication, type Room } from 'livekit-client';

export class RoomMic {
  readonly #room: Room;
  #clone: MediaStreamTrack | null = null;
  #pub: LocalTrackPublication | null = null;

  constructor(room: Room) {
    this.#room = room;
  }

  /** The published clone (tests and device switching), or null. */
  get track(): MediaStreamTrack | null {
    return this.#clone;
  }

  /** Publishes a clone of `source` (Opus, RED, no DTX); muted at once when `enabled` is false. */
  async publish(source: MediaStreamTrack, enabled: boolean): Promise<void> {
    const clone = source.clone();
    this.#clone = clone;
    this.#pub = await this.#room.localParticipant.publishTrack(clone, {
      source: Track.Source.Microphone,
      dtx: false,
      red: true,
    });
    if (!enabled) await this.#pub.mute();
  }

  async setEnabled(enabled: boolean): Promise<void> {
    const pub = this.#pub;
    if (!pub) return;
    if (enabled) await pub.unmute();
    else await pub.mute();
  }

  /** Sends a clone of `source` instead (input device switch); the previous clone is stopped. */
  async replace(source: MediaStreamTrack): Promise<void> {
    const published = this.#pub?.track;
    if (!published) return;
    const old = this.#clone;
    const clone = source.clone();
    this.#clone = clone;
    await published.replaceTrack(clone, true);
    if (old !== clone) old?.stop();
  }

  /** The room is gone: stop the clone (never the capture track). */
  release(): void {
    this.#clone?.stop();
    this.#clone = null;
    this.#pub = null;
  }
}
