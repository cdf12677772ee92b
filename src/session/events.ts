import type { TurnModelVerdict } from '../vad/turn/events.ts';
import type { SottoError } from '../errors.ts';
import type { TurnMetrics } from '../metrics/timeline.ts';
import type { ResponseInfo, ServerEvent } from '../protocol/index.ts';
import type { VadFrame } from '../vad/types.ts';
import type { MisfireEvent, SpeechStartEvent, TurnEndEvent, TurnEndingEvent, TurnResumedEvent } from '../vad/events.ts';
import type { ConversationState } from './conversation-state.ts';
import type { TurnAudioRange } from './turn-audio.ts';
import type { Transcript } from './transcripts.ts';

export type { ConversationState } from './conversation-state.ts';
export type { Transcript } from './transcripts.ts';

/** Which agent answers, and why it changed. */
export interface ModeChange {
  /** `remote`: the server over LiveKit; `local`: the on-device engine. */
  mode: 'remote' | 'local';
  /** Human-readable cause, e.g. `connected`, `link down`, `forced`. */
  reason: string;
}

/** The agent's reply became audible (first audible sample on the AudioContext clock). */
export interface AgentAudioStart {
  responseId: string;
  /** AudioContext seconds of the first audible sample. */
  time: number;
}

/** The agent's reply stopped (played out, or cut by an interruption). */
export interface AgentAudioEnd {
  responseId: string;
  /** AudioContext seconds of the last audible sample, or of the cut. */
  time: number;
  interrupted: boolean;
}

/** The user interrupted the reply (barge-in confirmed, or push-to-talk pressed while it played). */
export interface Interruption {
  responseId: string;
  /** The reply's conversation item that was truncated, when known. */
  itemId: string | null;
  /** The user's onset, AudioContext seconds. */
  onsetTime: number;
  /** When the agent's audio went silent for the user (the duck), AudioContext seconds. */
  silentTime: number;
  /** What the user heard of the reply, in ms: the `audio_end_ms` sent with `conversation.item.truncate`. */
  playedMs: number;
}

/** A user turn's audio, read back from the capture ring, went to the on-device engine. */
export interface LocalTurnAudio extends TurnAudioRange {
  turnId: string;
}

/**
 * The conversation was handed to the remote agent as conversation items: the offline turns when it is
 * back (`back_online`), or everything it does not know when a new agent took over the room (`new_agent`:
 * a re-dispatched job after a crash, a new job after a server restart).
 */
export interface Handover {
  /** Offline exchanges handed over (each: the user's words and what they heard of the reply). */
  turns: number;
  /** Conversation items sent (user and assistant lines, offline or from an earlier agent). */
  items: number;
  reason: 'back_online' | 'new_agent';
}

/** Event name -> payload of {@link VoiceSession}. */
export interface VoiceSessionEvents {
  /** The conversation state changed (see {@link ConversationState}). */
  state: ConversationState;
  /** The agent that answers changed (remote / on-device). */
  mode: ModeChange;
  /** A turn's audio went to the on-device engine (`lostSamples` 0: the whole turn). */
  local_turn_audio: LocalTurnAudio;
  /** The conversation the client holds was handed to the remote agent (back online, or a new agent). */
  handover: Handover;
  /** Every valid server event (or on-device engine event), as received. */
  server_event: ServerEvent;
  /** The user started speaking (client endpointing): onset time and pre-roll range on the audio clock. */
  speech_start: SpeechStartEvent;
  /** A pause began that may end the turn (speculative). */
  turn_ending: TurnEndingEvent;
  /** The user kept talking after `turn_ending`. */
  turn_resumed: TurnResumedEvent;
  /** The endpointer decided the user's turn is over; the session commits it. */
  turn_end: TurnEndEvent;
  /** A sound too short to be a turn (a cough, a click) was discarded. */
  misfire: MisfireEvent;
  /** One VAD frame (32 ms): its speech probability, for meters and traces. */
  vad_frame: VadFrame;
  /** The end-of-turn model's answer at a pause (`turnDetector: 'smart-turn'`): probability, and whether it ended the turn. */
  turn_model: TurnModelVerdict;
  /** User or agent transcript, partial or final. */
  transcript: Transcript;
  response_created: ResponseInfo;
  response_done: ResponseInfo;
  /** The reply became audible. */
  agent_audio_start: AgentAudioStart;
  /** The reply stopped being audible (played out or interrupted). */
  agent_audio_end: AgentAudioEnd;
  /** The user interrupted the agent; the reply was cancelled and truncated at what was heard. */
  interrupted: Interruption;
  /** One finished turn's timeline and stage latencies. */
  metrics: TurnMetrics;
  /** Recoverable problems (bad server events, server errors, disconnects). Never thrown. */
  error: SottoError;
}
