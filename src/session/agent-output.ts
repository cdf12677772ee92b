/**
 * Where the agent's voice comes out, as the session sees it: duck/restore for barge-in, the start of each
 * reply on the AudioContext clock, and how much of it the user heard (for truncation).
 */

/** The agent's audio output (remote: a WebRTC track through a media element; local: the playback worklet). */
export interface AgentOutput {
  /** Lowers the agent's audio to `gain` now (barge-in); returns the AudioContext time it takes effect. */
  duck(gain: number): number;
  /** Undoes {@link duck}. */
  restore(): void;
  /** A reply is coming: find its first audible sample from now on. */
  armReply(): void;
  /** AudioContext time (s) of the armed reply's first audible sample, or null (not yet). */
  replyStartTime(): number | null;
  /** AudioContext time (s) of the newest sample the user heard (after ducking), or null. */
  lastHeardTime(): number | null;
  /** AudioContext time (s) of the newest audible sample on the track (before ducking), or null. */
  lastAudibleTime(): number | null;
  /** Whether reply audio was audible within the last `withinMs` ms. */
  audible(withinMs?: number): boolean;
  /** Output volume 0–1 (the user's setting; ducking comes on top). */
  setVolume(volume: number): void;
  /** Output device (`MediaDeviceInfo.deviceId`, '' = default). Rejects where the browser cannot. */
  setSinkId(deviceId: string): Promise<void>;
  /** Releases what the output opened (not the track). */
  close(): void;
}

/**
 * Milliseconds of the current reply the user heard before `cutTime`: from the reply's first audible
 * sample to the cut, 0 when it never became audible. The truncation point (`audio_end_ms`).
 */
export function heardMs(replyStart: number | null, cutTime: number): number {
  if (replyStart === null || cutTime <= replyStart) return 0;
  return Math.round((cutTime - replyStart) * 1000);
}
