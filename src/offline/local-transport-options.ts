/** Options of the on-device transport (`LocalTransport`). */
import type { ReplyOutput } from './reply-output.ts';
import type { OfflineModelConfig } from './config.ts';
import type { AsrOptions, OfflineEngine } from './engine.ts';
import type { OfflineResponder } from './types.ts';
import type { FliteVoice } from './tts/flite.ts';

/** Options of `LocalTransport`. */
export interface LocalTransportOptions {
  /**
   * Where the engine's files are (ASR model URLs required; Flite and onnxruntime default to the copies
   * Vite bundles). Call `prepareOffline()` with the same config while online. Not needed with `engine`.
   */
  models?: OfflineModelConfig;
  /** The AudioContext replies play on (the session's). The transport never closes it. */
  audioContext?: BaseAudioContext;
  /** Where the PlaybackNode it creates is connected. Default `audioContext.destination`. */
  destination?: AudioNode;
  /** Play replies through this output (e.g. the session's PlaybackNode) instead of creating one. Not closed. */
  output?: ReplyOutput;
  /** The engine; default a `WorkerEngine` over `models` (tests inject fakes). Closed by `close()`. */
  engine?: OfflineEngine;
  /** Answers offline turns. Default `defaultResponder` (time, greeting, capabilities, repeat). */
  onOfflineTurn?: OfflineResponder;
  /** Phrases the app expects (commands, names): biases recognition toward them. Default none. */
  phrases?: readonly string[];
  /** Recogniser settings besides the phrases (search, bias, snapping). Defaults: see {@link AsrOptions}. */
  asr?: Omit<AsrOptions, 'phrases'>;
  /** Instructions passed to the responder. Default ''. */
  instructions?: string;
  /** Flite voice. Default `slt` (US female). */
  voice?: FliteVoice;
}
