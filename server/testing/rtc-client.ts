/**
 * A Realtime client over LiveKit without a browser, on @livekit/rtc-node: joins a room (which
 * dispatches the agent), publishes a microphone track fed from PCM, speaks the protocol on the data
 * channel and watches the agent's track for audible audio. For integration tests and the benchmark.
 */
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  ParticipantKind,
  Room,
  type LocalTrackPublication,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import {
  encodeEvent,
  parseServerEvent,
  REALTIME_TOPIC,
  type ClientEvent,
  type ServerEvent,
} from '../../src/protocol/index.ts';
import { EventInbox, EventOutbox } from '../../src/transport/text-stream-events.ts';

export interface ClientOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  room: string;
  identity?: string;
}

/** Peak above which an agent frame counts as audible (16-bit; ~-50 dBFS). */
const AUDIBLE_PEAK = 100;
const RATE = 48_000;
const FRAME = 480; // 10 ms

export class RtcClient {
  readonly room = new Room();
  readonly events: ServerEvent[] = [];
  /** Data-channel messages that did not parse as server events. */
  readonly badEvents: string[] = [];
  /** `performance.now()` of every audible 10 ms frame received from the agent. */
  readonly audibleAt: number[] = [];
  #source = new AudioSource(RATE, 1, 100);
  #track = LocalAudioTrack.createAudioTrack('mic', this.#source);
  #waiters: (() => void)[] = [];
  #micPub: LocalTrackPublication | null = null;
  #closed = false;
  readonly #outbox = new EventOutbox();
  #spoke = false;
  /** Server events that came as text streams (over one data packet). */
  streamsReceived = 0;

  static async connect(opts: ClientOptions): Promise<RtcClient> {
    const c = new RtcClient();
    await c.#connect(opts);
    return c;
  }

  async #connect(opts: ClientOptions): Promise<void> {
    const at = new AccessToken(opts.apiKey, opts.apiSecret, { identity: opts.identity ?? 'user', ttl: 600 });
    at.addGrant({ roomJoin: true, room: opts.room, canPublish: true, canSubscribe: true, canPublishData: true });
    // Events over one data packet arrive as text streams on the same topic (in order with the packets).
    const inbox = new EventInbox<string>(
      (identity) => identity,
      (bytes, _from, maxBytes) => {
        this.#receive(bytes, maxBytes);
      },
    );
    this.room.on(RoomEvent.DataReceived, (payload, p, _k, topic) => {
      if (topic === REALTIME_TOPIC) inbox.packet(payload, p?.identity ?? '');
    });
    this.room.registerTextStreamHandler(REALTIME_TOPIC, (reader, info) => {
      this.streamsReceived++;
      inbox.stream(reader, info.identity, reader.info.streamId);
    });
    this.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, _p: RemoteParticipant) => {
      if (track.kind === TrackKind.KIND_AUDIO) void this.#listen(track);
    });
    // Like the SDK: hear the agent only, never another participant of the room.
    const subscribeAgent = (pub: RemoteTrackPublication, p: RemoteParticipant): void => {
      if (p.kind === ParticipantKind.AGENT && pub.kind === TrackKind.KIND_AUDIO && !pub.subscribed) {
        pub.setSubscribed(true);
      }
    };
    this.room.on(RoomEvent.TrackPublished, subscribeAgent);
    await this.room.connect(opts.url, await at.toJwt(), { autoSubscribe: false, dynacast: false });
    for (const p of this.room.remoteParticipants.values()) {
      for (const pub of p.trackPublications.values()) subscribeAgent(pub, p);
    }
    const pubOpts = new TrackPublishOptions();
    pubOpts.source = TrackSource.SOURCE_MICROPHONE;
    const local = this.room.localParticipant;
    if (!local) throw new Error('not connected');
    this.#micPub = await local.publishTrack(this.#track, pubOpts);
  }

  #receive(payload: Uint8Array, maxBytes: number): void {
    const r = parseServerEvent(payload, { maxBytes });
    if (r.ok && r.event.type === 'session.created' && !this.#spoke) {
      // Like the SDK, answer the announcement at once: the agent then knows this client speaks the
      // protocol and leaves turn detection to it (a silent client gets server VAD after a few seconds).
      this.#spoke = true;
      void this.send({ type: 'sotto.ping', 'sotto:nonce': 0 }).catch(() => undefined);
    }
    if (r.ok) this.events.push(r.event);
    else this.badEvents.push(`${r.code}: ${r.message}`);
    this.#wake();
  }

  /** Resolves once someone (the agent) subscribed to this client's microphone track. */
  micSubscribed(): Promise<void> {
    if (!this.#micPub) return Promise.reject(new Error('not connected'));
    return this.#micPub.waitForSubscription();
  }

  async #listen(track: RemoteTrack): Promise<void> {
    try {
      await this.#read(track);
    } catch {
      // The track went away (the room closed while subscribing): nothing more to hear.
    }
  }

  async #read(track: RemoteTrack): Promise<void> {
    if (this.#closed) return;
    const stream = new AudioStream(track, { sampleRate: RATE, numChannels: 1, frameSizeMs: 10 });
    for await (const frame of stream) {
      if (this.#isClosed()) break;
      let peak = 0;
      for (const x of frame.data) if (Math.abs(x) > peak) peak = Math.abs(x);
      if (peak > AUDIBLE_PEAK) {
        this.audibleAt.push(performance.now());
        this.#wake();
      }
    }
  }

  /** Re-reads the flag inside the loop (a plain read there looks constant to the type checker). */
  #isClosed(): boolean {
    return this.#closed;
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Resolves on the next event or audible frame (or after `ms`). */
  #next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Waits until `cond()` is true, re-checking on every event; throws after `timeoutMs`. */
  async until(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; last events: ${this.events
            .slice(-8)
            .map((e) => e.type)
            .join(', ')}`,
        );
      }
      await this.#next(Math.min(left, 50));
    }
  }

  /** All received events of one type. */
  of<T extends ServerEvent['type']>(type: T): Extract<ServerEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type);
  }

  /** Waits for the `n`-th event of `type` (1-based) and returns it. */
  async waitFor<T extends ServerEvent['type']>(
    type: T,
    n = 1,
    timeoutMs = 10_000,
  ): Promise<Extract<ServerEvent, { type: T }>> {
    await this.until(() => this.of(type).length >= n, timeoutMs, `${type} #${n}`);
    return this.of(type)[n - 1] as Extract<ServerEvent, { type: T }>;
  }

  /** Sends one event: a data packet, or a text stream when it is larger than one packet (like the SDK). */
  async send(event: ClientEvent): Promise<void> {
    const local = this.room.localParticipant;
    if (!local) throw new Error('not connected');
    await this.#outbox.send(encodeEvent(event), {
      packet: (bytes) => this.sendRaw(bytes),
      stream: (text, streamId) => local.sendText(text, { topic: REALTIME_TOPIC, streamId }),
    });
  }

  /** Sends arbitrary bytes on the Realtime topic (for hostile-input tests). */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    const local = this.room.localParticipant;
    if (!local) throw new Error('not connected');
    await local.publishData(bytes, { reliable: true, topic: REALTIME_TOPIC });
  }

  /** Speaks `pcm` (mono 16-bit, 48 kHz) into the mic track in real time; resolves when it has been sent. */
  async speak(pcm: Int16Array): Promise<void> {
    for (let at = 0; at < pcm.length; at += FRAME) {
      const chunk = new Int16Array(FRAME);
      chunk.set(pcm.subarray(at, Math.min(at + FRAME, pcm.length)));
      await this.#source.captureFrame(new AudioFrame(chunk, RATE, 1, FRAME));
    }
    await this.#source.waitForPlayout();
  }

  /** `ms` of silence into the mic track, in real time. */
  silence(ms: number): Promise<void> {
    return this.speak(new Int16Array(Math.round((RATE * ms) / 1000)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.room.disconnect().catch(() => undefined);
    await this.#track.close().catch(() => undefined);
    await this.#source.close().catch(() => undefined);
  }
}
