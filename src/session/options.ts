import type { AgentProtocolOptions } from '../transport/livekit/lk-agents-link.ts';
import type { MicrophoneOptions } from '../audio/microphone.ts';
import type { ServerVadTurnDetection } from '../protocol/index.ts';
import type { BackoffOptions } from '../transport/backoff.ts';
import type { HealthThresholds } from '../transport/health.ts';
import type { Transport } from '../transport/types.ts';
import type { RealtimeTransportConfig } from '../transport/openai/options.ts';
import type { TurnDetectorOptions } from '../vad/turn/turn-config.ts';
import type { VadOptions } from '../vad/types.ts';
import type { AsrOptions, OfflineEngine } from '../offline/engine.ts';
import type { OfflineModelConfig } from '../offline/config.ts';
import type { FliteVoice } from '../offline/tts/flite.ts';
import type { OfflineResponder } from '../offline/types.ts';
import type { BargeInOptions } from './barge-in.ts';
import type { FallbackMode, FallbackThresholds } from './fallback-policy.ts';

export type { BargeInOptions } from './barge-in.ts';
export type {
  OpenAIWebRTCConfig,
  OpenAIWebSocketConfig,
  RealtimeTransportConfig,
} from '../transport/openai/options.ts';

/**
 * The on-device engine the session falls back to (ASR -> responder -> TTS in a worker), and when it
 * switches: see `fallback-policy.ts` (`failoverMs` default 1500, `recoverMs` default 3000).
 */
export interface OfflineOptions extends FallbackThresholds {
  /**
   * Where the engine's files are: the ASR model URLs (`gigaspeech3m()` of `@sotto/asr-gigaspeech-3m`, or
   * `gigaspeech3mAssets('/models/kws-zipformer-gigaspeech-3.3M/')` for files you serve), optionally Flite's and
   * onnxruntime's wasm. Run `prepareOffline()` with the same config while online so
   * the engine starts without a network. Required unless `engine` is given.
   */
  models?: OfflineModelConfig;
  /** Answers offline turns. Default: a few local intents, and a promise to follow up when back online. */
  onOfflineTurn?: OfflineResponder;
  /** Phrases the app expects (commands, names): biases recognition toward them. Default none. */
  phrases?: readonly string[];
  /** Recogniser settings besides the phrases. */
  asr?: Omit<AsrOptions, 'phrases'>;
  /** Instructions passed to the responder. Default ''. */
  instructions?: string;
  /** Flite voice. Default `slt`. */
  voice?: FliteVoice;
  /**
   * Load the engine (worker, models from the cache) right after connecting, so a failover answers at
   * once. Default `true`; with `false` it loads at the first failover (seconds).
   */
  preload?: boolean;
  /** The engine itself (tests); default a worker over `models`. */
  engine?: OfflineEngine;
}

/**
 * The session's end-of-turn detector (`vad.turn`): `turnDetector` (default `'silence'`) over `vad.turn`,
 * with client endpointing only (the other modes end turns without the VAD).
 */
export function sessionTurnDetector(
  turnDetector: ConnectOptions['turnDetector'],
  turn: TurnDetectorOptions | undefined,
  endpointing: NonNullable<ConnectOptions['endpointing']>,
): TurnDetectorOptions {
  if (endpointing !== 'client') return { ...turn, detector: 'silence' };
  return { ...turn, detector: turnDetector ?? turn?.detector ?? 'silence' };
}

/** The session's endpointer defaults (over the endpointer's own): answer at the human turn gap. */
export const SESSION_ENDPOINTER_DEFAULTS = Object.freeze({ silenceMs: 200, turnEndingMs: 100 });

/** Options of {@link VoiceSession.connect}. */
export interface ConnectOptions {
  /**
   * LiveKit server URL, e.g. `wss://example.livekit.cloud` or `ws://127.0.0.1:7880`. Required for the
   * default LiveKit transport; not used with `transport`.
   */
  url?: string;
  /**
   * An access token for the room, or a function that fetches one. A function is called again for each
   * full rejoin after a lost connection, so prefer it with short-lived tokens. Required with `url`.
   */
  token?: string | (() => Promise<string>);
  /**
   * Give up one connection attempt after this many milliseconds; an attempt that times out is made once
   * more (a lossy link can lose the first ICE exchange), so `connect()` rejects with `connect_timeout`
   * after at most twice this. Default `10000` ms.
   */
  connectTimeoutMs?: number;
  /**
   * Which agent the room has. Default `{ protocol: 'auto' }`: Sotto's Realtime protocol when the agent
   * announces a session; a stock LiveKit Agents agent when an agent stays silent for `detectMs` (2500 ms),
   * whose `lk.agent.state`, `lk.transcription` and `lk.chat` then drive the session; with no agent at all
   * for `waitMs` (15000 ms), a `no_agent` error. `session.transport.agentProtocol` says which it is.
   */
  agent?: AgentProtocolOptions;
  /** Microphone options (device, AGC), used when `mediaStream` is not given. */
  microphone?: MicrophoneOptions;
  /** Bring your own input stream; the session never stops its tracks. */
  mediaStream?: MediaStream;
  /** Bring your own AudioContext; the session never closes it. Default: a new one at the device's rate. */
  audioContext?: AudioContext;
  /**
   * Folder the SDK's own files (worklets, workers, VAD model, onnxruntime's wasm, Flite) are fetched from,
   * for apps whose bundler does not copy them (esbuild, a CDN): copy `node_modules/sotto/dist/*` there.
   * Page-wide (same as `setAssetBaseUrl()`). Default: the URLs the bundler gave them (Vite, webpack 5).
   */
  assetBaseUrl?: string | URL;
  /** Reconnection backoff of the LiveKit transport (full rejoins after LiveKit's own resume failed). */
  reconnect?: BackoffOptions;
  /** When the link counts as degraded or down. */
  health?: HealthThresholds;
  /**
   * Who ends the user's turn. `'client'` (default): the on-device VAD and endpointer; at `turn_end` the
   * session sends `input_audio_buffer.commit` + `response.create` itself. `'manual'`: the mic is sent all
   * the time and the app ends turns (`commit()`, or `startTurn()` / `endTurn()`). `'push-to-talk'`: the mic
   * is sent only between `startTurn()` and `endTurn()`. Barge-in by voice is off in both; starting a turn
   * during a reply interrupts it. `'server'`: no on-device endpointing — the server's VAD ends turns,
   * answers and interrupts by itself (`turn_detection: server_vad` with `serverVad`), as a plain Realtime
   * client would; the session follows its `input_audio_buffer.speech_*` events.
   */
  endpointing?: 'client' | 'manual' | 'push-to-talk' | 'server';
  /**
   * Server VAD settings for `endpointing: 'server'`. Defaults are OpenAI's (`SERVER_VAD_DEFAULTS`):
   * threshold 0.5, prefix_padding_ms 300, silence_duration_ms 500, create_response and interrupt_response on.
   */
  serverVad?: Omit<ServerVadTurnDetection, 'type'>;
  /**
   * How early the session answers (client endpointing). `'normal'` (default): commit at `turn_end`
   * (`vad.endpointer.silenceMs` of silence) and send the `sotto.turn.ending` hint at `turn_ending` when
   * the server supports it. `'eager'`: commit speculatively at `turn_ending` (`turnEndingMs`, 100 ms by
   * default); if the user resumes, the early reply is cancelled before or as it becomes audible and the
   * turn goes on (the server then holds the user's words as two items).
   */
  eagerness?: 'normal' | 'eager';
  /**
   * Who decides that the user's turn is over (client endpointing). `'silence'` (default for now):
   * `vad.endpointer.silenceMs` of silence ends the turn (no model, no download). `'smart-turn'` (opt-in until
   * its cost in the worker meets the 30 ms budget: ~200 ms per decision on wasm today, see
   * docs/turn-taking.md): at the first
   * pause (`vad.endpointer.silenceMs`, 200 ms) the end-of-turn model Smart Turn v3.2 (8.7 MB, runs in the VAD
   * worker, cached for offline use) is asked; "complete" ends the turn at once, "incomplete" keeps
   * listening and asks again every 300 ms until 2 s of silence (`vad.turn.ceilingMs`) end it regardless.
   * Nothing is committed before that decision, so the agent receives the whole turn as one item and never
   * answers half a sentence; it may warm up on the `sotto.turn.ending` hint meanwhile. Until the model has
   * loaded (or if it fails: `vad_error` `turn_model_failed`), the silence rule applies. Tune with `vad.turn`.
   */
  turnDetector?: 'smart-turn' | 'silence';
  /** Barge-in: duck at the onset, cancel + truncate once confirmed. Default on (off with `manual`). */
  bargeIn?: BargeInOptions;
  /**
   * On-device VAD options (thresholds such as `endpointer.silenceMs`, asset URLs for self-hosting). The
   * session's endpointer defaults are {@link SESSION_ENDPOINTER_DEFAULTS}: `silenceMs` 200 (the human turn
   * gap) and `turnEndingMs` 100, so a reply can start ~300 ms after the user stops (~230 ms eager). A pause longer than
   * `silenceMs` ends the turn; if the user goes on, the reply in flight is cancelled and the rest is a new
   * turn. Users who pause a lot: raise `silenceMs` (OpenAI's server default is 500).
   */
  vad?: VadOptions;
  /**
   * How long after asking for a reply the agent must have started it (`response.created`) before the
   * session reports `agent_unresponsive` and stops waiting (the device answers with the fallback; without
   * it the turn is asked again of the next agent the room gets), in ms. Default `5000`.
   */
  replyTimeoutMs?: number;
  /** Output volume of the agent, 0–1. Default `1`. */
  volume?: number;
  /** Output device for the agent's voice (`MediaDeviceInfo.deviceId`). Default: the system default. */
  outputDeviceId?: string;
  /**
   * Start listening as soon as the session is connected. Default `true`; with `false`, call `start()`.
   */
  autoStart?: boolean;
  /**
   * Resume a suspended AudioContext and blocked playback on the first click, tap or key press
   * (Safari/iOS, and Chrome without a prior gesture). Default `true`.
   */
  unlockOnGesture?: boolean;
  /**
   * Another transport than LiveKit (`url`, `token`, `reconnect`, `health` and `agent` are then not used):
   *
   * - `{ kind: 'openai-ws', url, apiKey }`: OpenAI's Realtime protocol over a WebSocket, to
   *   `wss://api.openai.com/v1/realtime` (with `model`, and an ephemeral key) or Sotto's
   *   `ws://host:7890/v1/realtime`. Mic audio goes as PCM16 events, the reply plays through the SDK's
   *   jitter buffer. See {@link OpenAIWebSocketConfig}.
   * - `{ kind: 'openai-webrtc', url, apiKey }`: the same protocol over WebRTC, the offer POSTed to
   *   `https://api.openai.com/v1/realtime/calls` or Sotto's `http://host:7890/v1/realtime/calls`. See
   *   {@link OpenAIWebRTCConfig}.
   * - A {@link Transport} instance (e.g. `FakeTransport` from `sotto/testing` in unit tests). The session
   *   closes it on `close()`, and cannot make a new one after a fatal loss.
   *
   * Client endpointing, barge-in at the heard sample, metrics and the on-device fallback work the same
   * over each.
   */
  transport?: Transport | RealtimeTransportConfig;
  /**
   * When the on-device engine answers instead of the remote agent. `'auto'` (default when `offline` is
   * given): when the link is down or reconnecting for `offline.failoverMs`, when a turn ends while the link
   * is not up, or when the first connection fails for a network reason (`server_unreachable`,
   * `connect_timeout`); back to remote once the link is healthy for `offline.recoverMs`, handing over the
   * offline turns as conversation items. `'force'`: on-device only, no connection is made. `'off'`
   * (default without `offline`): remote only. `'auto'` and `'force'` need `offline`, and client, manual or
   * push-to-talk endpointing.
   */
  fallback?: FallbackMode;
  /** The on-device engine (models, responder, phrases) for `fallback`. */
  offline?: OfflineOptions;
}
