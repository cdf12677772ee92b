import type { MicrophoneOptions } from '../audio/microphone.ts';
import type { BackoffOptions } from '../transport/backoff.ts';
import type { HealthThresholds } from '../transport/health.ts';
import type { Transport } from '../transport/types.ts';
import type { VadOptions } from '../vad/types.ts';

/** Options of {@link VoiceSession.connect}. */
export interface ConnectOptions {
  /** LiveKit server URL, e.g. `wss://example.livekit.cloud` or `ws://127.0.0.1:7880`. */
  url: string;
  /**
   * An access token for the room, or a function that fetches one. A function is called again for each
   * full rejoin after a lost connection, so prefer it with short-lived tokens.
   */
  token: string | (() => Promise<string>);
  /** Give up connecting after this many milliseconds. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** Microphone options, used when `mediaStream` is not given. */
  microphone?: MicrophoneOptions;
  /** Bring your own input stream; the session never stops its tracks. */
  mediaStream?: MediaStream;
  /** Bring your own AudioContext; the session never closes it. Default: one at the device's rate. */
  audioContext?: AudioContext;
  /** Reconnection backoff of the LiveKit transport (full rejoins after LiveKit's own resume failed). */
  reconnect?: BackoffOptions;
  /** When the link counts as degraded or down. */
  health?: HealthThresholds;
  /**
   * Who ends the user's turn. `'client'` (default): the on-device VAD and endpointer; at `turn_end` the
   * session sends `input_audio_buffer.commit` + `response.create` itself. `'manual'`: the app calls
   * `commit()` (push-to-talk, or a button).
   */
  endpointing?: 'client' | 'manual';
  /** On-device VAD options (thresholds such as `endpointer.silenceMs`, asset URLs for self-hosting). */
  vad?: VadOptions;
  /**
   * Use this transport instead of LiveKit (e.g. `FakeTransport` from `sotto/testing` in unit tests);
   * `url`, `token`, `reconnect` and `health` are then ignored. The session closes it on `close()`.
   */
  transport?: Transport;
}
