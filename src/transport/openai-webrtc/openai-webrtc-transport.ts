/**
 * The OpenAI-WebRTC transport: OpenAI's Realtime GA protocol over a plain RTCPeerConnection, to
 * api.openai.com (an ephemeral key) or any compatible `/v1/realtime/calls` (Sotto's server). The mic is
 * the call's audio track, the agent's voice its remote track (the session's `agent_track`), and the
 * Realtime events travel on the `oai-events` data channel. Signalling is one POST of the SDP offer
 * (`sdp-exchange.ts`). The server keeps the output buffer: `output_audio_buffer.*` come from it, and
 * `output_audio_buffer.clear` goes to it.
 *
 * Reconnection: ICE `disconnected` is `reconnecting` (a `resume` step) while the browser's ICE recovers;
 * `failed`, a closed channel, or no recovery within {@link RESUME_GRACE_MS} starts rejoins (a new call,
 * hence a new server session) with backoff.
 */
import { connectionOf } from '../heartbeat.ts';
import { SottoError } from '../../errors.ts';
import { TypedEmitter } from '../../events.ts';
import type { ClientEvent } from '../../protocol/index.ts';
import type { HealthSnapshot } from '../health.ts';
import { EventLink, healthChanged } from '../openai/event-link.ts';
import { checkLinkOptions, resolveKey, type RealtimeLinkOptions } from '../openai/options.ts';
import { rejoin } from '../openai/rejoin.ts';
import type { Transport, TransportEvents, TransportStartOptions, TransportStatus } from '../types.ts';
import { channelOpen, gathered } from './peer.ts';
import { postOffer, type FetchLike } from './sdp-exchange.ts';

/** Options of {@link OpenAIWebRTCTransport}. */
export interface OpenAIWebRTCTransportOptions extends RealtimeLinkOptions {
  /** ICE servers and policy. Default `{}` (the server answers with candidates the browser can reach). */
  rtcConfig?: RTCConfiguration;
  /** `fetch` for the offer (tests). Default the global one. */
  fetch?: FetchLike;
}

const TICK_MS = 500;
/** ICE may recover from `disconnected` by itself; after this long a new call is made, ms. */
export const RESUME_GRACE_MS = 3000;

export class OpenAIWebRTCTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly kind = 'openai-webrtc';
  readonly #o: OpenAIWebRTCTransportOptions;
  readonly #url: string;
  #status: TransportStatus = 'idle';
  #health: HealthSnapshot = { level: 'down', reason: 'not connected', rttMs: null, sinceLastPongMs: 0 };
  #pc: RTCPeerConnection | null = null;
  #dc: RTCDataChannel | null = null;
  #sender: RTCRtpSender | null = null;
  #mic: MediaStreamTrack | null = null;
  #micEnabled = true;
  #callId: string | null = null;
  readonly #link = new EventLink();
  readonly #abort = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;
  #grace: ReturnType<typeof setTimeout> | undefined;
  #rejoining = false;

  /** Throws a SottoError (`invalid_option`) for a bad URL or key. */
  constructor(options: OpenAIWebRTCTransportOptions) {
    super();
    this.#url = checkLinkOptions('openai-webrtc', options).toString();
    this.#o = options;
  }

  get status(): TransportStatus {
    return this.#status;
  }

  get health(): HealthSnapshot {
    return this.#health;
  }

  /** The current call's id (from `Location`), or null. */
  get callId(): string | null {
    return this.#callId;
  }

  /** The peer connection while there is one (stats, advanced use). */
  get peerConnection(): RTCPeerConnection | null {
    return this.#pc;
  }

  async connect({ micTrack }: TransportStartOptions): Promise<void> {
    if (this.#status !== 'idle') throw new SottoError('internal', `connect() called in state ${this.#status}`);
    this.#mic = micTrack;
    this.#setStatus('connecting');
    try {
      await this.#call();
    } catch (e) {
      this.#release();
      this.#setStatus('closed');
      throw e instanceof SottoError ? e : new SottoError('internal', `could not connect: ${String(e)}`, { cause: e });
    }
    this.#setStatus('connected');
    this.#updateHealth();
    this.#timer = setInterval(() => {
      this.#tick();
    }, TICK_MS);
  }

  send(event: ClientEvent): Promise<void> {
    const dc = this.#dc;
    if (!dc || this.#status !== 'connected' || dc.readyState !== 'open') {
      return Promise.reject(new SottoError('not_connected', `cannot send ${event.type}: the link is ${this.#status}`));
    }
    dc.send(JSON.stringify(event));
    return Promise.resolve();
  }

  async setMicEnabled(enabled: boolean): Promise<void> {
    this.#micEnabled = enabled;
    await this.#sender?.replaceTrack(enabled ? this.#mic : null);
  }

  async replaceMicTrack(track: MediaStreamTrack): Promise<void> {
    this.#mic = track;
    if (this.#micEnabled) await this.#sender?.replaceTrack(track);
  }

  close(): Promise<void> {
    if (this.#abort.signal.aborted) return Promise.resolve();
    this.#abort.abort();
    this.#release();
    this.#setStatus('closed');
    this.#updateHealth();
    return Promise.resolve();
  }

  /** One call: peer connection, mic, events channel, offer, answer, channel open. */
  async #call(): Promise<void> {
    const key = await resolveKey(this.#o.apiKey);
    const timeoutMs = this.#o.connectTimeoutMs ?? 10_000;
    const attempt = new AbortController();
    const onClose = (): void => {
      attempt.abort();
    };
    this.#abort.signal.addEventListener('abort', onClose);
    const timer = setTimeout(() => {
      attempt.abort(new SottoError('connect_timeout', `no call to ${this.#url} after ${String(timeoutMs)} ms`));
    }, timeoutMs);
    const pc = new RTCPeerConnection(this.#o.rtcConfig ?? {});
    const dc = pc.createDataChannel('oai-events');
    try {
      const mic = this.#micEnabled ? this.#mic : null;
      this.#sender = pc.addTransceiver(mic ?? 'audio', { direction: 'sendrecv' }).sender;
      pc.ontrack = (e) => {
        if (pc === this.#pc && e.track.kind === 'audio') this.emit('agent_track', e.track);
      };
      pc.onconnectionstatechange = () => {
        if (pc === this.#pc) this.#iceState(pc.connectionState);
      };
      dc.onmessage = (m: MessageEvent) => {
        if (dc === this.#dc) this.#onMessage(m.data);
      };
      dc.onclose = () => {
        if (dc === this.#dc) this.#lost('the events channel closed');
      };
      this.#pc = pc;
      this.#dc = dc;
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const answer = await postOffer(
        this.#o.fetch ?? ((u, i) => fetch(u, i)),
        this.#url,
        key,
        pc.localDescription?.sdp ?? '',
        attempt.signal,
      );
      this.#callId = answer.callId;
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
      await channelOpen(dc, attempt.signal);
      this.#link.up(performance.now());
    } catch (e) {
      if (pc === this.#pc) this.#dropCall();
      else pc.close();
      throw e instanceof SottoError
        ? e
        : new SottoError('server_unreachable', `the call failed: ${String(e)}`, { cause: e });
    } finally {
      clearTimeout(timer);
      this.#abort.signal.removeEventListener('abort', onClose);
    }
  }

  #onMessage(data: unknown): void {
    const r = this.#link.receive(data, performance.now());
    if (r.kind === 'error') this.emit('error', r.error);
    else if (r.kind === 'event') this.emit('server_event', r.event);
  }

  #iceState(state: RTCPeerConnectionState): void {
    if (this.#rejoining || this.#abort.signal.aborted) return;
    if (state === 'disconnected' && this.#status === 'connected') {
      this.#setStatus('reconnecting');
      this.emit('reconnect', { phase: 'resume', attempt: 1, delayMs: 0 });
      this.#updateHealth();
      clearTimeout(this.#grace);
      this.#grace = setTimeout(() => {
        if (this.#pc?.connectionState !== 'connected') this.#lost('ICE did not recover');
      }, RESUME_GRACE_MS);
    } else if (state === 'connected' && this.#status === 'reconnecting') {
      clearTimeout(this.#grace);
      this.#setStatus('connected');
      this.#updateHealth();
    } else if (state === 'failed') {
      this.#lost('ICE failed');
    }
  }

  /** The call is gone: new calls with backoff, or close for good. */
  #lost(why: string): void {
    if (this.#rejoining || this.#abort.signal.aborted || this.#status === 'connecting') return;
    this.#rejoining = true;
    clearTimeout(this.#grace);
    this.#dropCall();
    this.#setStatus('reconnecting');
    this.#updateHealth();
    void rejoin({
      backoff: this.#o.backoff,
      attempt: () => this.#call(),
      closing: () => this.#abort.signal.aborted,
      step: (s) => {
        this.emit('reconnect', s);
      },
    }).then((fatal) => {
      this.#rejoining = false;
      if (this.#abort.signal.aborted) return;
      if (fatal) {
        this.emit('error', new SottoError(fatal.code, `${fatal.message} (${why})`, { cause: fatal.cause }));
        this.#abort.abort();
        this.#release();
        this.#setStatus('closed');
        this.#updateHealth();
      } else if (this.#dc?.readyState !== 'open') {
        this.#lost('the new call closed at once');
      } else {
        this.#setStatus('connected');
        this.#updateHealth();
      }
    });
  }

  #tick(): void {
    const dc = this.#dc;
    const ping = this.#status === 'connected' ? this.#link.ping(performance.now()) : null;
    if (ping && dc?.readyState === 'open') dc.send(JSON.stringify(ping));
    this.#updateHealth();
  }

  #updateHealth(): void {
    const connection = connectionOf(this.#status);
    const next = this.#link.health(connection, globalThis.navigator.onLine, performance.now(), this.#o.health);
    const changed = healthChanged(next, this.#health);
    this.#health = next;
    if (changed) this.emit('health', next);
  }

  /** Closes the current call's connection (never the mic track: the transport does not own it). */
  #dropCall(): void {
    const pc = this.#pc;
    const dc = this.#dc;
    this.#pc = null;
    this.#dc = null;
    this.#sender = null;
    this.#callId = null;
    if (dc) {
      dc.onmessage = null;
      dc.onclose = null;
      dc.close();
    }
    if (pc) {
      pc.ontrack = null;
      pc.onconnectionstatechange = null;
      pc.close();
    }
  }

  #release(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#grace);
    this.#dropCall();
  }

  #setStatus(status: TransportStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.emit('status', status);
  }
}
