/**
 * A session's parts and how they talk to each other: the user's side (microphone, capture, turn taking,
 * barge-in), the agent's (replies, its audio, the remote agent, continuity), the {@link ServerEventRouter}
 * that takes the agents' events to them, and what the fallback bridge works with. `VoiceSession` keeps
 * what changes over its life (the fallback, closing, the state) and reaches its parts through what
 * {@link wireParts} returns; they reach the session through a {@link WiringHost}.
 */
import type { ClientEvent } from '../protocol/index.ts';
import type { Transport } from '../transport/types.ts';
import { resolveEndpointerOptions } from '../vad/endpointer-options.ts';
import { AgentAudio } from './agent-audio.ts';
import { AgentContinuity } from './agent-continuity.ts';
import { BargeIn } from './barge-in.ts';
import { canRecreateTransport, createTransport } from './create-transport.ts';
import type { ModeChange, VoiceSessionEvents } from './events.ts';
import type { Fallback } from './fallback.ts';
import { prepareCommit, type SessionParts } from './fallback-bridge.ts';
import type { AnswerMode } from './fallback-policy.ts';
import type { ConnectOptions } from './options.ts';
import { RemoteAgent } from './remote-agent.ts';
import { ReplyController } from './reply-controller.ts';
import { ServerEventRouter } from './server-event-router.ts';
import { SessionCapture } from './session-capture.ts';
import { SessionMic } from './session-mic.ts';
import { TurnTaking } from './turn-taking.ts';
import { TurnTracker } from './turn-tracker.ts';

/** What the parts need from their session. */
export interface WiringHost {
  /** Who answers now. */
  mode(): AnswerMode;
  /** The transport that answers now (`VoiceSession.transport`). */
  transport(): Transport;
  /** The on-device fallback, or null (`fallback: 'off'`, or not created yet). */
  fallback(): Fallback | null;
  /** The session is closing or closed. */
  closed(): boolean;
  /**
   * The remote transport closed for good. Returns true when the session carries on without it (the
   * on-device fallback); false closes the session.
   */
  remoteClosed(): boolean;
  /** `VoiceSession.send()`. */
  send(event: ClientEvent): Promise<void>;
  /** Sends without failing the caller (a failure is an `error` event). */
  sendQuietly(event: ClientEvent): void;
  emit<K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void;
  /** The `mode` event (deferred during `connect()`). */
  emitMode(m: ModeChange): void;
  /** Something that feeds the conversation state changed. */
  changed(): void;
}

/** The parts of one session. */
export interface SessionWiring {
  readonly endpointing: NonNullable<ConnectOptions['endpointing']>;
  readonly tracker: TurnTracker;
  readonly replies: ReplyController;
  readonly bargeIn: BargeIn;
  readonly audio: AgentAudio;
  readonly remote: RemoteAgent;
  readonly turns: TurnTaking;
  readonly continuity: AgentContinuity;
  readonly mic: SessionMic;
  readonly capture: SessionCapture;
  /** What the fallback bridge works with (fallback-bridge.ts). */
  readonly bridge: SessionParts;
}

/** Builds a session's parts over `transport` (null with `fallback: 'force'`), the mic stream and `ctx`. */
export function wireParts(
  opts: ConnectOptions,
  transport: Transport | null,
  stream: MediaStream,
  ctx: AudioContext,
  host: WiringHost,
): SessionWiring {
  const endpointing = opts.endpointing ?? 'client';
  const emit = <K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void => {
    host.emit(name, payload);
  };
  const changed = (): void => {
    host.changed();
  };
  const tracker = new TurnTracker();
  const replies = new ReplyController({
    ctx,
    tracker,
    output: () => (host.mode() === 'local' ? (host.fallback()?.output ?? null) : audio.output),
    send: (event) => {
      host.sendQuietly(event);
    },
    emit,
    changed,
    agentStopped: () => {
      bargeIn.agentStopped();
    },
    // A stock LiveKit Agents agent ends turns itself: a reply answers the last turn it heard.
    answersLatest: () => {
      const t = host.transport();
      return 'agentProtocol' in t && t.agentProtocol === 'livekit-agents';
    },
  });
  const ep = resolveEndpointerOptions(opts.vad?.endpointer);
  const bargeIn = new BargeIn(
    { ...opts.bargeIn, ...(endpointing === 'client' ? {} : { enabled: false }) },
    { positive: ep.positiveThreshold, negative: ep.negativeThreshold },
    {
      duck: (gain) => {
        // A first hint of speech ducks before the endpointer opens a turn; speech_start claims it.
        const id = turns.userSpeaking ? turns.turnId : null;
        replies.duck(gain, id, (id ? tracker.marks(id)?.speechStart : undefined) ?? ctx.currentTime);
      },
      restore: () => {
        replies.restore();
      },
      confirm: (onset) => {
        // A duck made on a first hint of speech that speech_start did not claim (the reply had stopped
        // being audible or pending by then: a stock agent that stops its own reply when it hears the user)
        // belongs to the turn the user is speaking, so the interruption's marks land on it.
        const id = turns.userSpeaking ? turns.turnId : null;
        if (id !== null) replies.claimDuck(id);
        replies.interrupt(onset, tracker.awaiting);
      },
    },
  );
  const audio = new AgentAudio(ctx, {
    ...(opts.volume === undefined ? {} : { volume: opts.volume }),
    ...(opts.outputDeviceId ? { outputDeviceId: opts.outputDeviceId } : {}),
    ...(opts.unlockOnGesture === undefined ? {} : { unlockOnGesture: opts.unlockOnGesture }),
    alsoPlay: () => host.fallback()?.output ?? null,
    error: (e) => {
      emit('error', e);
    },
  });
  const onAgentTrack = async (track: MediaStreamTrack): Promise<void> => {
    const out = await audio.attach(track);
    if (out) replies.outputAttached(out);
  };
  const remote = new RemoteAgent(transport, endpointing === 'server' ? (opts.serverVad ?? {}) : null, {
    serverEvent: (e, from) => {
      events.route(e, from);
    },
    agentTrack: (track) => void onAgentTrack(track),
    error: (e) => {
      emit('error', e);
    },
    changed: () => {
      host.fallback()?.check();
      host.changed();
    },
    closed: () => host.remoteClosed(),
    // While the engine answers, the remote link's troubles are expected (and reported by `mode`).
    reportErrors: (code) => host.mode() === 'remote' || code !== 'not_connected',
    agentSession: (id) => {
      continuity.agentSession(id);
    },
    agentLeft: () => {
      continuity.agentLeft();
    },
  });
  const mic: SessionMic = new SessionMic(
    stream,
    {
      owned: !opts.mediaStream,
      listening: opts.autoStart ?? true,
      pushToTalk: endpointing === 'push-to-talk',
      microphone: opts.microphone,
    },
    { remote: () => remote.transport, userSpeaking: () => turns.userSpeaking, client: () => capture.client },
  );
  const turns: TurnTaking = new TurnTaking({
    ctx,
    tracker,
    replies,
    bargeIn,
    eager: (opts.eagerness ?? 'normal') === 'eager',
    accepting: () => mic.listening && !mic.muted && !host.closed(),
    agentReady: () => (host.mode() === 'local' ? host.fallback()?.local?.status === 'connected' : remote.takesTurns),
    mode: () => host.mode(),
    prepareCommit: (turnId, span) => prepareCommit(bridge, turnId, span),
    extensions: () => remote.extensions,
    send: (event) => host.send(event),
    emit,
    changed,
  });
  const continuity = new AgentContinuity(
    {
      turns,
      tracker,
      replies,
      mode: () => host.mode(),
      remote: () => remote.transport,
      agentReady: () => remote.ready,
      ring: () => capture.client?.capture.reader() ?? null,
      failover: () => host.fallback()?.agentLost() ?? false,
      emit,
      update: changed,
    },
    opts.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: opts.replyTimeoutMs },
  );
  const capture = new SessionCapture({
    ctx,
    turns,
    bargeIn,
    agentSpeaking: () => replies.agentSpeaking,
    emit,
    changed,
  });
  const events = new ServerEventRouter({
    ctx,
    endpointing,
    tracker,
    turns,
    replies,
    continuity,
    mode: () => host.mode(),
    emit,
    changed,
  });
  const bridge: SessionParts = {
    ctx,
    remote,
    turns,
    tracker,
    replies,
    continuity: () => continuity,
    micTrack: () => mic.track(),
    client: () => capture.client,
    remoteOutput: () => audio.output,
    fallback: () => host.fallback(),
    newTransport: () => (canRecreateTransport(opts) ? createTransport(opts, ctx) : null),
    wireLocal: (local) => {
      events.listenLocal(local);
    },
    emit,
    emitMode: (m) => {
      host.emitMode(m);
    },
    sendQuietly: (event) => {
      host.sendQuietly(event);
    },
    update: changed,
    applyMic: () => mic.apply(),
    closed: () => host.closed(),
  };
  return { endpointing, tracker, replies, bargeIn, audio, remote, turns, continuity, mic, capture, bridge };
}
