/**
 * The session's remote agent: the current remote transport (replaced when the fallback reconnects with a
 * fresh one), whether its agent is ready (`session.created` on this connection), the extensions it
 * speaks, and the link state the UI shows. It configures turn detection on every `session.created` and
 * hands every other event to the session.
 */
import { SottoError } from '../errors.ts';
import { SERVER_VAD_DEFAULTS, type ServerEvent, type ServerVadTurnDetection } from '../protocol/index.ts';
import type { Transport, TransportStatus } from '../transport/types.ts';
import type { StateInputs } from './conversation-state.ts';

/** What the remote agent tells its session. */
export interface RemoteAgentHost {
  /** Every event of the current transport (the session decides whether it answers now). */
  serverEvent(event: ServerEvent, from: Transport): void;
  agentTrack(track: MediaStreamTrack): void;
  error(e: SottoError): void;
  /** Link state, readiness or health changed. */
  changed(): void;
  /**
   * The transport closed for good. Return true when the session carries on without it (the on-device
   * fallback); false closes the session.
   */
  closed(): boolean;
  /** Whether transport errors are worth reporting now (not while the engine answers and the link is down). */
  reportErrors(code: string): boolean;
  /**
   * An agent announced a session (`session.created`) on the current transport: `sessionId` tells a
   * re-dispatched job (a new id) from the same one greeting a rejoined user.
   */
  agentSession(sessionId: string): void;
  /** The agent that answered left the room (its job crashed or ended); the link may still be up. */
  agentLeft(): void;
}

export class RemoteAgent {
  readonly #h: RemoteAgentHost;
  readonly #serverVad: Omit<ServerVadTurnDetection, 'type'> | null;
  #transport: Transport | null;
  #ready = false;
  #extensions: readonly string[] = [];
  #link: StateInputs['link'] = 'connecting';

  /** `serverVad`: turn detection to ask for (`endpointing: 'server'`), or null for none (client turns). */
  constructor(
    transport: Transport | null,
    serverVad: Omit<ServerVadTurnDetection, 'type'> | null,
    host: RemoteAgentHost,
  ) {
    this.#h = host;
    this.#serverVad = serverVad;
    this.#transport = transport;
    if (transport) this.#listen(transport);
  }

  /** The current remote transport, or null (`fallback: 'force'`). */
  get transport(): Transport | null {
    return this.#transport;
  }

  /** The agent said `session.created` on the current connection. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Turns can go to the agent now: it announced itself on the current connection, the transport is
   * connected and the link is not down (a turn that ends otherwise is held, not sent into a dead link).
   */
  get takesTurns(): boolean {
    const t = this.#transport;
    return this.#ready && t !== null && t.status === 'connected' && t.health.level !== 'down';
  }

  /** Extensions the agent advertised. */
  get extensions(): readonly string[] {
    return this.#extensions;
  }

  /** The link as the conversation state sees it. */
  get link(): StateInputs['link'] {
    return this.#link;
  }

  /** The session is closing: the link is closed for the UI. */
  markClosed(): void {
    this.#link = 'closed';
  }

  /** Replaces the transport with `next` (the old one is closed). */
  replace(next: Transport): void {
    const old = this.#transport;
    this.#transport = next;
    this.#ready = false;
    this.#listen(next);
    void old?.close();
  }

  #listen(t: Transport): void {
    const current = (): boolean => t === this.#transport;
    t.on('agent_track', (track) => {
      if (current()) this.#h.agentTrack(track);
    });
    t.on('server_event', (e) => {
      if (!current()) return;
      if (e.type === 'session.created') this.#created(t, e.session['sotto:extensions'] ?? []);
      this.#h.serverEvent(e, t);
      if (e.type === 'session.created') this.#h.agentSession(e.session.id ?? 'unnamed');
    });
    t.on('agent_left', () => {
      if (!current()) return;
      this.#ready = false;
      if (this.#link === 'ready') this.#link = 'connecting';
      this.#h.agentLeft();
      this.#h.changed();
    });
    t.on('error', (e) => {
      if (current() && this.#h.reportErrors(e.code)) this.#h.error(e);
    });
    t.on('status', (s) => {
      if (current()) this.#status(s);
    });
    t.on('health', () => {
      if (current()) this.#h.changed();
    });
    t.on('reconnect', (step) => {
      // A full rejoin is a new connection: the agent must say `session.created` again before turns.
      if (current() && step.phase === 'rejoin') this.#ready = false;
    });
  }

  /** The agent (re)starts a session: ready for turns; turn detection set as the session needs it. */
  #created(t: Transport, extensions: readonly string[]): void {
    this.#ready = true;
    this.#extensions = extensions;
    if (this.#link !== 'closed') this.#link = 'ready';
    const turn_detection = this.#serverVad
      ? { type: 'server_vad' as const, ...SERVER_VAD_DEFAULTS, ...this.#serverVad }
      : null;
    const send = (): void => {
      t.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection } } } }).catch(
        (e: unknown) => {
          this.#h.error(new SottoError('not_connected', `could not configure the session: ${String(e)}`, { cause: e }));
        },
      );
    };
    // `session.created` can come in before the transport calls itself connected again (a rejoin).
    if (t.status === 'connected') {
      send();
    } else {
      const off = t.on('status', (st) => {
        if (st === 'connected') send();
        if (st === 'connected' || st === 'closed') off();
      });
    }
    this.#h.changed();
  }

  #status(status: TransportStatus): void {
    if (status === 'reconnecting') {
      this.#link = 'reconnecting';
    } else if (status === 'connected' && this.#link !== 'ready') {
      this.#link = this.#ready ? 'ready' : 'connecting';
    } else if (status === 'closed' && this.#link !== 'closed') {
      this.#ready = false;
      if (this.#h.closed()) {
        // Carried on by the fallback, which keeps trying to reach the agent.
        this.#link = 'reconnecting';
      } else {
        this.#link = 'closed';
        return;
      }
    }
    this.#h.changed();
  }
}
