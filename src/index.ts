/** Sotto: low-latency voice AI in the browser. */
export { VoiceSession } from './session/voice-session.ts';
export { SESSION_ENDPOINTER_DEFAULTS, type ConnectOptions, type OfflineOptions } from './session/options.ts';
export { preload, type PreloadOptions, type PreloadedVad } from './session/preload.ts';
export type {
  AgentAudioEnd,
  AgentAudioStart,
  ConversationState,
  Handover,
  Interruption,
  LocalTurnAudio,
  ModeChange,
  Transcript,
  VoiceSessionEvents,
} from './session/events.ts';
export {
  FALLBACK_DEFAULTS,
  type AnswerMode,
  type FallbackMode,
  type FallbackThresholds,
} from './session/fallback-policy.ts';
export { LocalTransport, type LocalTransportOptions } from './offline/local-transport.ts';
export { prepareOffline, type PrepareOptions, type PrepareResult, type AssetProgress } from './offline/prepare.ts';
export {
  gigaspeech3mAssets,
  GIGASPEECH_3M_SHA256,
  type AsrAssets,
  type OfflineAsset,
  type OfflineModelConfig,
} from './offline/config.ts';
export { defaultResponder } from './offline/responder.ts';
export type { OfflineResponder, OfflineTurn, OfflineTurnContext, Recognition } from './offline/types.ts';
export type { BargeInOptions } from './session/barge-in.ts';
export { BARGE_IN_DEFAULTS } from './session/barge-in.ts';
export type { MicrophoneOptions } from './audio/microphone.ts';
export type { OutputTapStats } from './audio/output-tap.ts';
export { SottoError, isSottoError, type SottoErrorCode } from './errors.ts';
export { setAssetBaseUrl, assetBaseUrl, type AssetFile } from './assets/asset-base.ts';
export { LiveKitTransport, type LiveKitTransportOptions } from './transport/livekit/livekit-transport.ts';
export type { AgentProtocolOptions } from './transport/livekit/lk-agents-link.ts';
export {
  OpenAIWebSocketTransport,
  type OpenAIWebSocketTransportOptions,
} from './transport/openai-ws/openai-ws-transport.ts';
export {
  OpenAIWebRTCTransport,
  type OpenAIWebRTCTransportOptions,
} from './transport/openai-webrtc/openai-webrtc-transport.ts';
export type {
  ApiKeySource,
  OpenAIWebRTCConfig,
  OpenAIWebSocketConfig,
  RealtimeLinkOptions,
  RealtimeTransportConfig,
} from './transport/openai/options.ts';
export type { AgentProtocol } from './transport/lk-agents-adapter.ts';
export type {
  Transport,
  TransportEvents,
  TransportStartOptions,
  TransportStatus,
  ReconnectStep,
} from './transport/types.ts';
export { HEALTH_DEFAULTS, type HealthLevel, type HealthSnapshot, type HealthThresholds } from './transport/health.ts';
export { BACKOFF_DEFAULTS, type BackoffOptions } from './transport/backoff.ts';

export { VadClient, VAD_ENDPOINTER_DEFAULTS } from './vad/vad-client.ts';
export type { VadBackendPreference } from './vad/backend.ts';
export { VadError, isVadError, type VadErrorCode } from './vad/errors.ts';
export type {
  VadOptions,
  VadSource,
  VadClientEvents,
  VadReadyInfo,
  VadStats,
  VadFrame,
  VadStatus,
} from './vad/types.ts';
export { Endpointer } from './vad/endpointer.ts';
export type { EndpointerOptions } from './vad/endpointer-options.ts';
export type { EndpointerEvent } from './vad/events.ts';
export { CaptureNode, type CaptureOptions, type CaptureStats } from './audio/capture-node.ts';
export { PlaybackNode, type PlaybackEvents, type PlayedCount } from './audio/playback-node.ts';
export { MetricsCollector, type SessionStats } from './metrics/collector.ts';
export type { TurnMarks, TurnMetrics, TurnStages, StageName } from './metrics/timeline.ts';

import type { ConnectOptions } from './session/options.ts';
import { VoiceSession } from './session/voice-session.ts';

/** Connects a {@link VoiceSession}; same as `VoiceSession.connect(options)`. */
export function connect(options: ConnectOptions): Promise<VoiceSession> {
  return VoiceSession.connect(options);
}
