import { SottoError } from '../errors.ts';
import { TypedEmitter } from '../events.ts';
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';
import type { HealthSnapshot } from '../transport/health.ts';
import type { Transport, TransportEvents, TransportStartOptions, TransportStatus } from '../transport/types.ts';

/** Server events without `event_id` (the fake fills it in). */
export type ScriptedServerEvent = ServerEvent extends infer E
  ? E extends ServerEvent
    ? Omit<E, 'event_id'> & { event_id?: string }
    : never
  : never;

/**
 * How the fake agent answers each client event: return the server events to send back (in order), or
 * nothing. Runs after the event is recorded in `sent`.
 */
export type FakeScript = (event: ClientEvent, fake: FakeTransport) => ScriptedServerEvent[] | undefined;

export interface FakeTransportOptions {
  /** Answers to client events. Default: {@link defaultScript}, a tiny well-behaved agent. */
  script?: FakeScript;
  /** Send `session.created` as soon as `connect()` resolves. Default true. */
  autoSessionCreated?: boolean;
  /** Make `connect()` reject with this error (e.g. to test your app's error UI). */
  failConnect?: SottoError;
}

/**
 * A scripted {@link Transport} for unit-testing apps built on Sotto, without a network, a server or a
 * browser media stack. It records every client event in `sent`, answers with a script, and lets the test
 * inject server events, status changes and health changes.
 *
 * ```ts
 * import { FakeTransport } from 'sotto/testing';
 * const fake = new FakeTransport();
 * const session = await connect({ url: '', token: '', transport: fake, mediaStream });
 * await session.commit();
 * expect(fake.sent.map((e) => e.type)).toEqual(['input_audio_buffer.commit', 'response.create']);
 * ```
 */
export class FakeTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'fake';
  /** Every client event sent through this transport, in order. */
  readonly sent: ClientEvent[] = [];
  /** Whether the mic is enabled (see `setMicEnabled`). */
  micEnabled = true;
  /** Tracks passed to `replaceMicTrack`, in order. */
  readonly micTracks: MediaStreamTrack[] = [];
  readonly #opts: FakeTransportOptions;
  #status: TransportStatus = 'idle';
  #health: HealthSnapshot = { level: 'healthy', reason: 'fake', rttMs: 0, sinceLastPongMs: 0 };
  #nextId = 1;

  constructor(options: FakeTransportOptions = {}) {
    super();
    this.#opts = options;
  }

  get status(): TransportStatus {
    return this.#status;
  }

  get health(): HealthSnapshot {
    return this.#health;
  }

  connect(_options: TransportStartOptions): Promise<void> {
    if (this.#opts.failConnect) {
      this.setStatus('closed');
      return Promise.reject(this.#opts.failConnect);
    }
    this.setStatus('connected');
    if (this.#opts.autoSessionCreated ?? true) {
      queueMicrotask(() => {
        this.serverSend({ type: 'session.created', session: { type: 'realtime', id: 'sess_fake' } });
      });
    }
    return Promise.resolve();
  }

  send(event: ClientEvent): Promise<void> {
    if (this.#status !== 'connected') {
      return Promise.reject(new SottoError('not_connected', `cannot send ${event.type}: the link is ${this.#status}`));
    }
    this.sent.push(event);
    const replies = (this.#opts.script ?? defaultScript)(event, this) ?? [];
    queueMicrotask(() => {
      for (const r of replies) this.serverSend(r);
    });
    return Promise.resolve();
  }

  setMicEnabled(enabled: boolean): Promise<void> {
    this.micEnabled = enabled;
    return Promise.resolve();
  }

  /** Records the track in {@link micTracks}. */
  replaceMicTrack(track: MediaStreamTrack): Promise<void> {
    this.micTracks.push(track);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.setStatus('closed');
    return Promise.resolve();
  }

  /** Delivers a server event as if the agent had sent it. */
  serverSend(event: ScriptedServerEvent): void {
    this.emit('server_event', { event_id: `event_fake_${this.#nextId++}`, ...event });
  }

  /** Changes the link status (e.g. `reconnecting`, `closed`) as if the network had. */
  setStatus(status: TransportStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.emit('status', status);
  }

  /** Changes the link health as if the heartbeat had seen it. */
  setHealth(health: HealthSnapshot): void {
    this.#health = health;
    this.emit('health', health);
  }

  /** Delivers an agent audio track (e.g. from an oscillator's MediaStreamDestination). */
  deliverTrack(track: MediaStreamTrack): void {
    this.emit('agent_track', track);
  }

  /** Emits a transport error. */
  fail(error: SottoError): void {
    this.emit('error', error);
  }
}

/** A minimal agent: commit -> committed; response.create -> created + done; cancel -> done(cancelled). */
export const defaultScript: FakeScript = (event) => {
  switch (event.type) {
    case 'input_audio_buffer.commit':
      return [{ type: 'input_audio_buffer.committed', item_id: 'item_fake' }];
    case 'response.create':
      return [
        { type: 'response.created', response: { id: 'resp_fake', status: 'in_progress' } },
        { type: 'response.done', response: { id: 'resp_fake', status: 'completed' } },
      ];
    default:
      return undefined;
  }
};
