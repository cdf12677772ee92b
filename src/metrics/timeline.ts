/**
 * The timeline of one turn on the AudioContext clock (seconds), and the stages derived from it. Pure:
 * marks are set by whoever observes them (endpointer, transport, playback tap).
 */

/** Moments of one turn, AudioContext seconds; each optional until observed. */
export interface TurnMarks {
  /** First voiced audio of the user's turn (the endpointer's onset). */
  speechStart?: number;
  /** End of the last voiced frame. */
  speechEnd?: number;
  /** When the endpointer decided the turn was over (or push-to-talk released). */
  endpoint?: number;
  /** `input_audio_buffer.commit` handed to the transport. */
  commitSent?: number;
  /** `input_audio_buffer.committed` (or `response.created`) received from the agent. */
  serverAck?: number;
  /** First reply audio reached the page (first audible sample on the agent's track tap / first PCM chunk). */
  firstAudioReceived?: number;
  /** First reply sample played (playback `started`, or the tap for WebRTC playout). */
  firstAudioPlayed?: number;
  /** Barge-in: the user's onset while the agent was audible. */
  bargeInOnset?: number;
  /** Barge-in: the agent's output went silent. */
  bargeInSilent?: number;
}

export type StageName =
  'endpointing' | 'commit' | 'server_ack' | 'first_audio' | 'playout' | 'voice_to_voice' | 'barge_in_silence';

/** Stage durations in milliseconds (absent when a mark is missing or out of order). */
export type TurnStages = Partial<Record<StageName, number>>;

/** One finished turn: its marks and the stages derived from them. */
export interface TurnMetrics {
  turnId: string;
  /** Which agent answered the turn: the remote one or the on-device engine (absent when unknown). */
  mode?: 'remote' | 'local';
  marks: TurnMarks;
  stages: TurnStages;
}

function span(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b < a) return undefined;
  return Math.round((b - a) * 1e6) / 1e3; // ms, to the microsecond
}

/**
 * Stages (ms): endpointing = endpoint - speechEnd; commit = commitSent - endpoint; server_ack = serverAck -
 * commitSent; first_audio = firstAudioReceived - commitSent; playout = firstAudioPlayed -
 * firstAudioReceived; voice_to_voice = firstAudioPlayed - speechEnd; barge_in_silence = bargeInSilent -
 * bargeInOnset.
 */
export function deriveStages(m: TurnMarks): TurnStages {
  const out: TurnStages = {};
  const put = (k: StageName, v: number | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  put('endpointing', span(m.speechEnd, m.endpoint));
  put('commit', span(m.endpoint, m.commitSent));
  put('server_ack', span(m.commitSent, m.serverAck));
  put('first_audio', span(m.commitSent, m.firstAudioReceived));
  put('playout', span(m.firstAudioReceived, m.firstAudioPlayed));
  put('voice_to_voice', span(m.speechEnd, m.firstAudioPlayed));
  put('barge_in_silence', span(m.bargeInOnset, m.bargeInSilent));
  return out;
}
