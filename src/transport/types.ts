import type { TypedEmitter } from '../events.ts';
import type { SottoError } from '../errors.ts';
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import type { HealthSnapshot } from './health.ts';

/**
 * Link status, the same for every transport:
 * `idle` -> `connecting` -> `connected` <-> `reconnecting` -> `closed`.
 * `reconnecting` carries on until the link is back or the app closes the transport; `closed` on its own
 * only for a fatal cause (the server rejected the token), with an `error` event.
 */
export type TransportStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** One step of the reconnection state machine, for observers (UI, metrics, fallback policy). */
export interface ReconnectStep {
  /** `resume`: the same session, ICE restart / signal resume. `rejoin`: a new connection with a new token. */
  phase: 'resume' | 'rejoin';
  /** 1-based attempt within the phase. */
  attempt: number;
  /** Milliseconds until this attempt starts (0 for the first resume). */
  delayMs: number;
}

/** Event name -> payload of every {@link Transport}. */
export interface TransportEvents {
  status: TransportStatus;
  /** Every valid event from the agent. */
  server_event: ServerEvent;
  /** The agent's reply audio as a WebRTC track (remote transports). Play it; the transport owns it. */
  agent_track: MediaStreamTrack;
  /** The link's health changed (see {@link HealthSnapshot}). */
  health: HealthSnapshot;
  /** A reconnection step begins. */
  reconnect: ReconnectStep;
  /**
   * The agent that announced the session left the room (its job crashed or ended). The link itself may
   * be fine; a new agent announces itself with `session.created`.
   */
  agent_left: { identity: string };
  /** Recoverable problems; never thrown. */
  error: SottoError;
}

/** What a transport needs to start. */
export interface TransportStartOptions {
  /** The microphone track to send. The transport never stops it. */
  micTrack: MediaStreamTrack;
}

/**
 * A connection to an agent: LiveKit, OpenAI's Realtime protocol over a WebSocket or WebRTC (remote), or
 * the on-device engine (local). The session talks to whichever is active through this interface only.
 */
export interface Transport extends Pick<TypedEmitter<TransportEvents>, 'on' | 'once' | 'next'> {
  /** Which implementation this is. */
  readonly kind: 'livekit' | 'openai-ws' | 'openai-webrtc' | 'local' | 'fake';
  readonly status: TransportStatus;
  /** Latest health snapshot. */
  readonly health: HealthSnapshot;
  /** Connects and starts sending the mic. Rejects with a SottoError; nothing stays open on failure. */
  connect(options: TransportStartOptions): Promise<void>;
  /** Sends one client event. Rejects with `not_connected` when the link is not up. */
  send(event: ClientEvent): Promise<void>;
  /** Stops or resumes sending mic audio (mute). While off, no audio leaves the device. */
  setMicEnabled(enabled: boolean): Promise<void>;
  /**
   * Sends this track instead of the current microphone track (input device switch). The transport never
   * stops either track. Optional: transports without it cannot switch devices live.
   */
  replaceMicTrack?(track: MediaStreamTrack): Promise<void>;
  /**
   * Resolves true once the agent has answered a heartbeat after this call (a round trip: what is sent to
   * it now arrives), false after `timeoutMs`. Optional: transports without a heartbeat lack it.
   */
  agentAnswers?(timeoutMs: number): Promise<boolean>;
  /**
   * Since when (`performance.now()`) the agent has heard the user's mic without a gap, as it last said;
   * null when it did not hear it then, undefined when unknown (the agent does not say, or has not yet).
   * Optional: transports that carry the mic's audio in their own events lack it.
   */
  micHeardSince?(): number | null | undefined;
  /** Closes the link; releases what the transport opened. Idempotent. */
  close(): Promise<void>;
}
