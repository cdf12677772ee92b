/**
 * What the session does when the fallback switches who answers, and how a turn reaches the on-device
 * engine: the glue between {@link Fallback} and the session's parts, in one place.
 */
import type { AgentContinuity } from './agent-continuity.ts';
import type { ClientEndpointing } from './client-endpointing.ts';
import type { ElementOutput } from './element-output.ts';
import type { ModeChange, VoiceSessionEvents } from './events.ts';
import type { Fallback, FallbackHost } from './fallback.ts';
import type { AnswerMode } from './fallback-policy.ts';
import type { RemoteAgent } from './remote-agent.ts';
import type { ReplyController } from './reply-controller.ts';
import { readTurnAudio } from './turn-audio.ts';
import type { TurnSpan, TurnTaking } from './turn-taking.ts';
import type { TurnTracker } from './turn-tracker.ts';
import type { LocalTransport } from '../offline/local-transport.ts';
import type { ClientEvent } from '../protocol/index.ts';
import type { Transport } from '../transport/types.ts';
import { SottoError } from '../errors.ts';

/** The session's parts the bridge works with. */
export interface SessionParts {
  readonly ctx: AudioContext;
  readonly remote: RemoteAgent;
  readonly turns: TurnTaking;
  readonly tracker: TurnTracker;
  readonly replies: ReplyController;
  continuity(): AgentContinuity;
  micTrack(): MediaStreamTrack;
  client(): ClientEndpointing | null;
  remoteOutput(): ElementOutput | null;
  fallback(): Fallback | null;
  /** A fresh remote transport, or null when the app passed its own. */
  newTransport(): Transport | null;
  wireLocal(local: LocalTransport): void;
  emit<K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void;
  emitMode(m: ModeChange): void;
  sendQuietly(event: ClientEvent): void;
  update(): void;
  applyMic(): Promise<void>;
  closed(): boolean;
}

/** The {@link FallbackHost} of a session. */
export function fallbackHost(s: SessionParts): FallbackHost {
  return {
    ctx: s.ctx,
    micTrack: () => s.micTrack(),
    remote: () => s.remote.transport,
    newRemote: () => {
      const t = s.newTransport();
      if (t) s.remote.replace(t);
      return t;
    },
    remoteReady: () => s.remote.ready,
    settled: async () => {
      await s
        .client()
        ?.vad.ready()
        .catch(() => undefined);
    },
    busy: () => s.turns.userSpeaking || s.tracker.awaiting || s.replies.awaitingAudio || s.replies.agentSpeaking,
    attachLocal: (local) => {
      s.wireLocal(local);
    },
    switched: (mode, reason) => {
      switched(s, mode, reason);
    },
    handOver: (turns) => s.continuity().offlineTurns(turns),
    error: (e) => {
      s.emit('error', e);
    },
    closed: () => s.closed(),
  };
}

/**
 * Who answers changed. The reply in progress is given up (its agent is gone or on standby); a turn the
 * remote agent never answered (or whose reply was cut before a second of it was heard) is answered
 * locally from the capture ring; the remote agent's input buffer is cleared of what it heard meanwhile.
 */
function switched(s: SessionParts, mode: AnswerMode, reason: string): void {
  // A reply cut before the user heard a second of it did not answer its turn: the device answers it.
  const unanswered = s.tracker.awaiting || s.replies.pending(false) || s.replies.cutShort();
  s.replies.abandon();
  s.tracker.abandonPending();
  if (mode === 'local') {
    s.remoteOutput()?.duck(0); // a remote reply that still trickles in stays silent
    const last = s.turns.lastCommitted();
    // A turn that just ended caused the switch and goes to the device itself: the earlier one is not
    // answered again over it (the user has moved on).
    if (unanswered && last && !s.fallback()?.preparing) void s.turns.commit(last.turnId);
  } else {
    s.remoteOutput()?.restore();
    s.sendQuietly({ type: 'input_audio_buffer.clear' });
  }
  s.emitMode({ mode, reason });
  s.update();
  void s.applyMic();
}

/**
 * A turn the remote agent takes: held when the link cannot take it now (asked when it can), else sent
 * whole when the agent heard only part of it (or with turns held before it).
 */
async function holdOrResend(s: SessionParts, turnId: string, span: TurnSpan | null): Promise<void> {
  if (!s.remote.takesTurns) s.continuity().hold(turnId, span);
  else await s.continuity().resendPartial(turnId, span);
}

/**
 * Before a turn is committed: the fallback may switch to the engine (the link is down), which then gets
 * the turn's audio, read back whole from the capture ring.
 */
export async function prepareCommit(s: SessionParts, turnId: string, span: TurnSpan | null): Promise<void> {
  const fallback = s.fallback();
  if (!fallback) {
    // Remote only: a turn no agent can take now is kept for the next one (never dropped silently).
    await holdOrResend(s, turnId, span);
    return;
  }
  try {
    await fallback.turnEnded();
    const local = fallback.active === 'local' ? fallback.local : null;
    if (!local) {
      await holdOrResend(s, turnId, span);
      return;
    }
    const ring = s.client()?.capture.reader();
    if (!ring || !span)
      throw new SottoError('internal', `no audio for turn ${turnId}: the capture ring is not running`);
    const audio = readTurnAudio(ring, span);
    s.emit('local_turn_audio', { turnId, ...audio.range });
    await local.submitTurn(audio.samples);
  } finally {
    // The commit follows without a macrotask in between (TurnTaking.commit): from then on the tracker
    // says the session is busy, so no switch can land between this turn's end and its commit.
    queueMicrotask(() => {
      fallback.turnCommitted();
    });
  }
}
