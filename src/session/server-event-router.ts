/**
 * Where the agents' events go: only the events of the one answering now (the remote agent or the
 * on-device engine; the standby one is ignored) reach the app (`server_event`, `transcript`, `error`) and
 * the session's parts (continuity, turn taking with server endpointing, replies, the turn tracker).
 */
import { SottoError } from '../errors.ts';
import type { LocalTransport } from '../offline/local-transport.ts';
import type { ServerEvent } from '../protocol/index.ts';
import type { Transport } from '../transport/types.ts';
import type { AgentContinuity } from './agent-continuity.ts';
import type { VoiceSessionEvents } from './events.ts';
import type { AnswerMode } from './fallback-policy.ts';
import type { ConnectOptions } from './options.ts';
import type { ReplyController } from './reply-controller.ts';
import { TranscriptAssembler } from './transcripts.ts';
import type { TurnTaking } from './turn-taking.ts';
import type { TurnTracker } from './turn-tracker.ts';

/** The session's parts the events go to. */
export interface ServerEventHost {
  readonly ctx: AudioContext;
  readonly endpointing: NonNullable<ConnectOptions['endpointing']>;
  readonly tracker: TurnTracker;
  readonly turns: TurnTaking;
  readonly replies: ReplyController;
  readonly continuity: AgentContinuity;
  /** Who answers now. */
  mode(): AnswerMode;
  emit<K extends keyof VoiceSessionEvents>(name: K, payload: VoiceSessionEvents[K]): void;
  /** Something that feeds the conversation state changed. */
  changed(): void;
}

export class ServerEventRouter {
  readonly #h: ServerEventHost;
  readonly #transcripts = new TranscriptAssembler();

  constructor(host: ServerEventHost) {
    this.#h = host;
  }

  /** An event of the remote agent or of the on-device engine; only the one answering now is followed. */
  route(event: ServerEvent, from: Transport): void {
    const h = this.#h;
    if ((from.kind === 'local') !== (h.mode() === 'local')) return; // the standby agent
    h.emit('server_event', event);
    const t = this.#transcripts.accept(event);
    if (t) h.emit('transcript', t);
    h.continuity.serverEvent(event, from.kind === 'local', t);
    if (h.endpointing === 'server') h.turns.serverEvent(event);
    h.replies.onServerEvent(event);
    switch (event.type) {
      case 'session.created':
        h.changed();
        return;
      case 'input_audio_buffer.committed':
        if (h.endpointing !== 'server') h.tracker.acked(h.ctx.currentTime);
        return;
      case 'error':
        // The answer to the session's own cancel of a reply that had already ended: nothing went wrong (the
        // event is still in `server_event`).
        if (event.error.code === 'response_cancel_not_active' && h.replies.ownCancelRace()) return;
        h.emit(
          'error',
          new SottoError('server_error', `${event.error.code}: ${event.error.message}`, { cause: event.error }),
        );
        return;
      default:
        return;
    }
  }

  /** Wires the on-device transport's events. */
  listenLocal(t: LocalTransport): void {
    t.on('server_event', (e) => {
      this.route(e, t);
    });
    t.on('error', (e) => {
      this.#h.emit('error', e);
    });
  }
}
