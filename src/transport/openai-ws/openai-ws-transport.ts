/**
 * The WebSocket transport: OpenAI's Realtime GA protocol over one browser WebSocket, to api.openai.com
 * (an ephemeral key) or any compatible `/v1/realtime` (Sotto's server). The mic goes up as
 * `input_audio_buffer.append` (PCM16 base64 at the session's input rate); reply audio comes down as
 * `response.output_audio.delta` and plays through the SDK's playback worklet, whose track is the
 * session's `agent_track`. So client endpointing, barge-in (cut at the heard sample, truncation clamped
 * to what was received and played), metrics and the fallback work as over LiveKit.
 */
import { connectionOf } from '../heartbeat.ts';
import { SottoError } from '../../errors.ts';
import { TypedEmitter } from '../../events.ts';
import type { ClientEvent, ServerEvent } from '../../protocol/index.ts';
import type { HealthSnapshot } from '../health.ts';
import { EventLink, healthChanged } from '../openai/event-link.ts';
import { checkLinkOptions, resolveKey, type RealtimeLinkOptions } from '../openai/options.ts';
import { rejoin } from '../openai/rejoin.ts';
import type { Transport, TransportEvents, TransportStartOptions, TransportStatus } from '../types.ts';
import { AgentVoice } from './agent-voice.ts';
import { MicPump } from './mic-pump.ts';
import { browserSocket, openSocket, type SocketFactory } from './open-socket.ts';
import { AudioLedger, localOutputEvent, routeClientEvent, routeServerEvent, serverBargeIn } from './ws-protocol.ts';

/** Options of {@link OpenAIWebSocketTransport}. */
export interface OpenAIWebSocketTransportOptions extends RealtimeLinkOptions {
  /**
   * The AudioContext the mic is captured and the reply played on (a session passes its own). Default: one
   * of the transport's own, closed by `close()`.
   */
  audioContext?: AudioContext;
  /** Constructs the socket (tests). Default `new WebSocket(url, protocols)`. */
  createSocket?: SocketFactory;
}

const TICK_MS = 500;
/** Bytes queued in the socket above which the link counts as degraded (the uplink cannot keep up). */
const BACKLOG_DEGRADED_BYTES = 256 * 1024;
/** Error codes of a refused key: the server closes after one, and no reconnection fixes it. */
const KEY_REFUSED = ['invalid_api_key', 'missing_api_key', 'invalid_client_secret', 'expired_client_secret'];

/**
 * ```ts
 * const t = new OpenAIWebSocketTransport({ url: 'wss://api.openai.com/v1/realtime', model: 'gpt-realtime',
 *   apiKey: () => fetch('/ephemeral-key').then((r) => r.text()) });
 * ```
 * Ownership: `close()` closes the socket, the capture and playback nodes it made and its own AudioContext;
 * never the mic track or an AudioContext passed in.
 */
export class OpenAIWebSocketTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'openai-ws';
  readonly #o: OpenAIWebSocketTransportOptions;
  readonly #url: string;
  #status: TransportStatus = 'idle';
  #health: HealthSnapshot = { level: 'down', reason: 'not connected', rttMs: null, sinceLastPongMs: 0 };
  #ctx: AudioContext | null = null;
  #ws: WebSocket | null = null;
  #voice: AgentVoice | null = null;
  /** Underruns of the player before it was closed. */
  #underrunsBefore = 0;
  #pump: MicPump | null = null;
  readonly #link = new EventLink();
  readonly #ledger = new AudioLedger();
  readonly #abort = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;
  #micEnabled = true;
  #keyRefused: SottoError | null = null;
  #seq = 0;

  /** Throws a SottoError (`invalid_option`) for a bad URL or key. */
  constructor(options: OpenAIWebSocketTransportOptions) {
    super();
    this.#url = checkLinkOptions('openai-ws', options).toString();
    this.#o = options;
  }

  get status(): TransportStatus {
    return this.#status;
  }

  get health(): HealthSnapshot {
    return this.#health;
  }

  /**
   * The local playback of replies (a WebSocket carries them as events): how often a playing reply ran dry
   * waiting for the network (each an audible gap), over this transport's life.
   */
  playbackStats(): { underruns: number } {
    return { underruns: (this.#voice?.underruns ?? 0) + this.#underrunsBefore };
  }

  /** Members of unknown types left out of server events so far (a debug count). */
  get skippedMembers(): number {
    return this.#link.skippedMembers;
  }

  async connect({ micTrack }: TransportStartOptions): Promise<void> {
    if (this.#status !== 'idle') throw new SottoError('internal', `connect() called in state ${this.#status}`);
    this.#setStatus('connecting');
    try {
      const ctx = this.#o.audioContext ?? new AudioContext({ latencyHint: 'interactive' });
      this.#ctx = ctx;
      this.#voice = await AgentVoice.create(ctx, {
        started: (id) => {
          this.#local('output_audio_buffer.started', id);
        },
        drained: (id) => {
          this.#local('output_audio_buffer.stopped', id);
        },
        interrupted: (id) => {
          this.#local('output_audio_buffer.cleared', id);
        },
      });
      this.#pump = await MicPump.create(ctx, micTrack, this.#ledger.inputRate, (audio) => {
        this.#append(audio);
      });
      this.#pump.setEnabled(this.#micEnabled);
      await this.#open();
    } catch (e) {
      this.#release();
      this.#setStatus('closed');
      throw e instanceof SottoError ? e : new SottoError('internal', `could not connect: ${String(e)}`, { cause: e });
    }
    this.emit('agent_track', this.#voice.track);
    this.#setStatus('connected');
    this.#updateHealth();
    this.#timer = setInterval(() => {
      this.#tick();
    }, TICK_MS);
  }

  send(event: ClientEvent): Promise<void> {
    const ws = this.#ws;
    if (!ws || this.#status !== 'connected' || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new SottoError('not_connected', `cannot send ${event.type}: the link is ${this.#status}`));
    }
    const route = routeClientEvent(event, this.#ledger, (id) => this.#voice?.playedMs(id) ?? null);
    if (route.kind === 'clear_output') {
      const playing = this.#voice?.playing ?? null;
      this.#voice?.flush();
      // Nothing playing: the clear is still answered, as a WebRTC server does.
      if (playing === null) this.#local('output_audio_buffer.cleared', '');
      return Promise.resolve();
    }
    // The turn's last captured samples go before its commit (the same socket keeps them in order).
    if (route.event.type === 'input_audio_buffer.commit') this.#pump?.flush();
    ws.send(JSON.stringify(route.event));
    return Promise.resolve();
  }

  setMicEnabled(enabled: boolean): Promise<void> {
    this.#micEnabled = enabled;
    this.#pump?.setEnabled(enabled);
    return Promise.resolve();
  }

  replaceMicTrack(track: MediaStreamTrack): Promise<void> {
    this.#pump?.replaceTrack(track);
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.#abort.signal.aborted) return Promise.resolve();
    this.#abort.abort();
    this.#release();
    this.#setStatus('closed');
    this.#updateHealth();
    return Promise.resolve();
  }

  /** One connection: key, socket, listeners. */
  async #open(): Promise<void> {
    const key = await resolveKey(this.#o.apiKey);
    const factory = this.#o.createSocket ?? browserSocket;
    const ws = await openSocket(factory, this.#url, key, this.#o.connectTimeoutMs ?? 10_000, this.#abort.signal);
    if (this.#abort.signal.aborted) {
      ws.close(1000);
      throw new SottoError('not_connected', 'the transport was closed while connecting');
    }
    this.#ws = ws;
    this.#keyRefused = null;
    this.#ledger.reset();
    this.#pump?.skip();
    this.#link.up(performance.now());
    ws.onmessage = (m: MessageEvent) => {
      if (ws === this.#ws) this.#onMessage(m.data);
    };
    ws.onclose = (e: CloseEvent) => {
      if (ws !== this.#ws) return;
      // While a rejoin is still settling, its end notices the missing socket and starts over.
      if (this.#status === 'reconnecting') this.#ws = null;
      else this.#lost(`closed (code ${String(e.code)})`);
    };
  }

  #onMessage(data: unknown): void {
    const r = this.#link.receive(data, performance.now());
    if (r.kind === 'error') this.emit('error', r.error);
    if (r.kind !== 'event') return;
    const route = routeServerEvent(r.event, this.#ledger);
    switch (route.kind) {
      case 'audio':
        this.#voice?.push(route.responseId, route.pcm, this.#ledger.outputRate);
        return;
      case 'bad_audio':
        this.emit('error', new SottoError('protocol_error', route.message));
        return;
      case 'drop':
        return;
      case 'forward':
        if (route.endResponse !== null) this.#voice?.end(route.endResponse);
        if (route.formatProblem !== null) this.emit('error', new SottoError('protocol_error', route.formatProblem));
        this.#noteKeyRefusal(route.event);
        if (route.event.type === 'input_audio_buffer.speech_started') this.#serverBargeIn();
        this.emit('server_event', route.event);
        return;
    }
  }

  /** Server VAD heard the user over a playing reply: stop it here and truncate it where it was. */
  #serverBargeIn(): void {
    const voice = this.#voice;
    const playing = voice?.playing ?? null;
    const truncate = serverBargeIn(this.#ledger, playing, playing === null ? null : (voice?.playedMs(playing) ?? null));
    if (!truncate) return;
    voice?.flush();
    this.#ws?.send(JSON.stringify(truncate));
  }

  /** An `error` event refusing the key: the close that follows is final. */
  #noteKeyRefusal(e: ServerEvent): void {
    if (e.type !== 'error' || !KEY_REFUSED.includes(e.error.code ?? '')) return;
    this.#keyRefused = new SottoError('token_rejected', `the server refused the key: ${e.error.message}`, {
      cause: e.error,
    });
  }

  /** The socket closed under us: rejoin with backoff, or close for good. */
  #lost(why: string): void {
    this.#ws = null;
    this.#voice?.flush(); // that connection's replies are gone with it
    if (this.#keyRefused) {
      this.#fail(this.#keyRefused);
      return;
    }
    this.#setStatus('reconnecting');
    this.#updateHealth();
    void rejoin({
      backoff: this.#o.backoff,
      attempt: () => this.#open(),
      closing: () => this.#abort.signal.aborted,
      step: (s) => {
        this.emit('reconnect', s);
      },
    }).then((fatal) => {
      if (fatal) this.#fail(new SottoError(fatal.code, `${fatal.message} (${why})`, { cause: fatal.cause }));
      else if (this.#abort.signal.aborted) return;
      else if (this.#ws === null) this.#lost('closed right after it opened');
      else {
        this.#setStatus('connected');
        this.#updateHealth();
      }
    });
  }

  #fail(e: SottoError): void {
    if (this.#abort.signal.aborted) return;
    this.emit('error', e);
    this.#abort.abort();
    this.#release();
    this.#setStatus('closed');
    this.#updateHealth();
  }

  #append(audio: string): void {
    const ws = this.#ws;
    if (ws && this.#status === 'connected' && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio }));
    }
  }

  /** A GA `output_audio_buffer.*` event for the local player (see `localOutputEvent`). */
  #local(
    type: 'output_audio_buffer.started' | 'output_audio_buffer.stopped' | 'output_audio_buffer.cleared',
    id: string,
  ): void {
    this.emit('server_event', localOutputEvent(type, id, ++this.#seq));
  }

  #tick(): void {
    const ws = this.#ws;
    const ping = this.#status === 'connected' ? this.#link.ping(performance.now()) : null;
    if (ping && ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(ping));
    this.#updateHealth();
  }

  #updateHealth(): void {
    const connection = connectionOf(this.#status);
    let next = this.#link.health(connection, globalThis.navigator.onLine, performance.now(), this.#o.health);
    const backlog = this.#ws?.bufferedAmount ?? 0;
    if (next.level === 'healthy' && backlog > BACKLOG_DEGRADED_BYTES) {
      next = { ...next, level: 'degraded', reason: `${String(Math.round(backlog / 1024))} KiB waiting to send` };
    }
    const changed = healthChanged(next, this.#health);
    this.#health = next;
    if (changed) this.emit('health', next);
  }

  #release(): void {
    clearInterval(this.#timer);
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onmessage = null;
      ws.onclose = null;
      ws.close(1000);
    }
    this.#pump?.close();
    this.#pump = null;
    this.#underrunsBefore += this.#voice?.underruns ?? 0;
    this.#voice?.close();
    this.#voice = null;
    if (this.#ctx && !this.#o.audioContext) void this.#ctx.close().catch(() => undefined);
    this.#ctx = null;
  }

  #setStatus(status: TransportStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.emit('status', status);
  }
}
