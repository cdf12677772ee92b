import type { MicrophoneOptions } from '../audio/microphone.ts';

/** Options of {@link VoiceSession.connect}. */
export interface ConnectOptions {
  /** LiveKit server URL, e.g. `wss://example.livekit.cloud` or `ws://127.0.0.1:7880`. */
  url: string;
  /** An access token for the room, or a function that fetches one (called once per connect). */
  token: string | (() => Promise<string>);
  /** Give up connecting after this many milliseconds. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** Microphone options, used when `mediaStream` is not given. */
  microphone?: MicrophoneOptions;
  /** Bring your own input stream; the session never stops its tracks. */
  mediaStream?: MediaStream;
  /** Bring your own AudioContext; the session never closes it. Default: one at the device's rate. */
  audioContext?: AudioContext;
}
