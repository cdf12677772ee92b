/**
 * Binds a {@link RealtimeSession} to a LiveKit room, trusting exactly one participant, the user:
 *
 * - **Who the user is**: the first remote participant of kind STANDARD (an end user's token; agents,
 *   egress, ingress and SIP participants have other kinds) to join the room. One user per room: anyone
 *   who joins later is ignored for the life of the job, and the user's identity is held even while they
 *   are away (a rejoin with the same identity resumes the session). The token endpoint is what makes
 *   this safe: it mints a token for one room and one identity, and refuses an identity already in the
 *   room (LiveKit would otherwise let a newcomer take the user's place) and agent-like identities.
 * - **What the agent hears**: it subscribes to nothing by itself (the job connects with
 *   `AutoSubscribe.SUBSCRIBE_NONE`) and subscribes to the user's microphone track only; any other
 *   participant's track is never subscribed, so nothing they publish reaches the model.
 * - **Whom it obeys**: data-channel messages on `REALTIME_TOPIC` from the user only.
 * - **Whom it tells**: server events go to the user only (`destination_identities`); reply audio goes out
 *   on the agent's track (LiveKit room permissions decide who may subscribe to it).
 */
import {
  AudioStream,
  ParticipantKind,
  RoomEvent,
  TrackKind,
  TrackSource,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  type Room,
  type TextStreamReader,
  type Track,
} from '@livekit/rtc-node';
import { encodeEvent, REALTIME_TOPIC, type OutgoingServerEvent } from '../src/protocol/index.ts';
import { EventInbox, EventOutbox } from '../src/transport/text-stream-events.ts';
import { AudioOutput } from './audio-output.ts';
import { LkSurface } from './lk/surface.ts';
import type { Brain } from './brains/index.ts';
import { newId } from './ids.ts';
import { INPUT_RATE, RealtimeSession, type SessionOptions } from './realtime-session.ts';
import type { SpeechModel } from './vad/silero-model.ts';

export type Logger = (msg: string, extra?: Record<string, unknown>) => void;

/** True for the one track the agent hears: an audio track from the user's microphone. */
function isUserMic(pub: RemoteTrackPublication): boolean {
  return pub.kind === TrackKind.KIND_AUDIO && pub.source === TrackSource.SOURCE_MICROPHONE;
}

/** How long a mic subscription may take before it is asked again (times the attempt number), in ms. */
const SUBSCRIBE_CHECK_MS = 2000;
/** How often the session checks that its user's rejoin and mic were not missed (ms). */
const OWNER_CHECK_MS = 2000;
const SUBSCRIBE_ATTEMPTS = 6;

export interface LivekitSessionOptions extends SessionOptions {
  log: Logger;
  loadVadModel?: () => Promise<SpeechModel>;
  /**
   * Fault injection for tests (`SOTTO_TEST_DEAF_MS`): the first read of the user's mic drops its frames
   * for this long, as a subscription that lags the session's announcement on a loaded machine does.
   */
  deafForMs?: number;
}

export class LivekitSession {
  readonly #room: Room;
  readonly #output: AudioOutput;
  readonly #session: RealtimeSession;
  readonly #log: Logger;
  readonly #outbox = new EventOutbox();
  readonly #inbox = new EventInbox<string>(
    (identity) => identity,
    (bytes, identity, maxBytes) => {
      this.#receive(bytes, identity, maxBytes);
    },
  );
  /** LiveKit Agents' standard surface (lk.agent.state, lk.transcription, lk.chat) for stock clients. */
  readonly #surface: LkSurface;
  #userTrackSid: string | undefined;
  #owner: string | null = null;
  #reading: AudioStream | null = null;
  #closed = false;
  /** What is left of the test fault {@link LivekitSessionOptions.deafForMs} (0 once used). */
  #deafForMs: number;
  /** The user rejoined: `session.created` goes out again on their first event. */
  #reannounce = false;
  /** The owner's participant sid when last seen: a new sid is a rejoin, with or without a join event. */
  #ownerSid: string | null = null;
  #ownerWatch: ReturnType<typeof setInterval> | undefined;
  /** Publications with a subscription being asked and checked ({@link #subscribe}). */
  readonly #asking = new WeakSet<RemoteTrackPublication>();

  constructor(room: Room, brain: Brain, opts: LivekitSessionOptions) {
    this.#deafForMs = opts.deafForMs ?? 0;
    this.#room = room;
    this.#log = opts.log;
    this.#output = new AudioOutput(brain.sampleRate);
    this.#surface = new LkSurface({
      room,
      log: opts.log,
      owner: () => this.#owner,
      userTrackSid: () => this.#userTrackSid,
      agentTrackSid: () => this.#output.trackSid,
      typed: (text) => {
        this.#session.typedInput(text);
      },
    });
    this.#session = new RealtimeSession(
      {
        send: (e) => {
          this.#send(e);
          this.#surface.observe(e);
        },
        agentTranscript: (e) => {
          this.#surface.agentTranscript(e);
        },
        sink: this.#output,
        now: () => performance.now(),
        log: opts.log,
        ...(opts.loadVadModel ? { loadVadModel: opts.loadVadModel } : {}),
      },
      brain,
      opts,
    );
  }

  get id(): string {
    return this.#session.id;
  }

  async start(): Promise<void> {
    const local = this.#room.localParticipant;
    if (!local) throw new Error('room is not connected');
    this.#room.on(RoomEvent.TrackPublished, this.#onPublished);
    this.#room.on(RoomEvent.TrackSubscribed, this.#onTrack);
    this.#room.on(RoomEvent.DataReceived, this.#onData);
    this.#room.registerTextStreamHandler(REALTIME_TOPIC, this.#onStream);
    this.#room.on(RoomEvent.ParticipantConnected, this.#onParticipant);
    this.#surface.start(); // first: its attributes say that a Sotto agent has joined
    await this.#output.publish(local);
    this.#room.on(RoomEvent.ParticipantDisconnected, this.#onLeft);
    this.#ownerWatch = setInterval(() => {
      this.#checkOwner();
    }, OWNER_CHECK_MS);
    this.#ownerWatch.unref();
    for (const p of this.#room.remoteParticipants.values()) {
      this.#onParticipant(p);
      for (const pub of p.trackPublications.values()) {
        this.#onPublished(pub, p);
        if (pub.track && isUserMic(pub) && p.identity === this.#owner && !this.#reading) {
          this.#readTrack(pub.track, p.identity);
        }
      }
    }
  }

  /** The identity of the session's user (null until one joined). */
  get owner(): string | null {
    return this.#owner;
  }

  /** True while the session's user is in the room. */
  get ownerPresent(): boolean {
    return this.#owner !== null && [...this.#room.remoteParticipants.values()].some((p) => p.identity === this.#owner);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#ownerWatch);
    this.#session.close();
    this.#surface.close();
    this.#room.off(RoomEvent.TrackPublished, this.#onPublished);
    this.#room.off(RoomEvent.TrackSubscribed, this.#onTrack);
    this.#room.off(RoomEvent.DataReceived, this.#onData);
    this.#room.unregisterTextStreamHandler(REALTIME_TOPIC);
    this.#room.off(RoomEvent.ParticipantConnected, this.#onParticipant);
    this.#room.off(RoomEvent.ParticipantDisconnected, this.#onLeft);
    await this.#output.close();
  }

  /**
   * The invariant behind the join events, checked every {@link OWNER_CHECK_MS}: when the session's user is
   * in the room under a new participant sid, it rejoined (after a server restart the agent's own
   * reconnection can leave it without a ParticipantConnected: seen once in CI as an agent that never
   * announced itself or read the mic again); and a mic they publish is subscribed.
   */
  #checkOwner(): void {
    if (this.#closed || this.#owner === null) return;
    const p = [...this.#room.remoteParticipants.values()].find((x) => x.identity === this.#owner);
    if (!p) return;
    if (this.#ownerSid !== null && p.sid !== undefined && p.sid !== this.#ownerSid) {
      this.#log('the user is back under a new sid without a join event; resuming', { participant: p.identity });
      this.#onParticipant(p);
      return;
    }
    for (const pub of p.trackPublications.values()) {
      if (!pub.subscribed && !this.#asking.has(pub)) this.#onPublished(pub, p);
      else if (pub.track && isUserMic(pub) && !this.#reading) this.#readTrack(pub.track, p.identity);
    }
  }

  readonly #onParticipant = (p: RemoteParticipant): void => {
    if (this.#owner === p.identity) {
      this.#ownerSid = p.sid ?? null;
      // The user rejoined (after a network change): same session, same conversation.
      this.#log('user rejoined; resuming the session', { participant: p.identity });
      this.#session.announce();
      // The user's data channel may not be up yet, so that announcement can be lost: announce again on
      // the first event the user sends on the new connection (it has a working channel then).
      this.#reannounce = true;
      // The user may come back with their mic already published (the agent itself rejoined a restarted
      // server after the user did): no TrackPublished follows for those, so subscribe here.
      for (const pub of p.trackPublications.values()) this.#onPublished(pub, p);
      return;
    }
    if (this.#owner !== null) {
      this.#log('ignoring a second participant: one session per room', { participant: p.identity });
      return;
    }
    if (p.kind !== ParticipantKind.STANDARD) {
      this.#log('ignoring a non-user participant', { participant: p.identity, kind: p.kind });
      return;
    }
    this.#owner = p.identity;
    this.#ownerSid = p.sid ?? null;
    this.#log('session user', { participant: p.identity });
    this.#session.start();
    // Tracks the user published before they became the owner (they joined first, then we looked).
    for (const pub of p.trackPublications.values()) this.#onPublished(pub, p);
  };

  /** Subscribes to the user's microphone only; nobody else's track is ever subscribed. */
  readonly #onPublished = (pub: RemoteTrackPublication, p: RemoteParticipant): void => {
    if (this.#closed) return;
    const wanted = p.identity === this.#owner && isUserMic(pub);
    if (wanted && !pub.subscribed) this.#subscribe(pub, p.identity, 1);
    else if (!wanted && pub.subscribed) pub.setSubscribed(false);
  };

  /**
   * Subscribes to the user's mic, and checks that the track arrives: a subscription asked while the
   * agent's own connection is being re-established (the server restarted) can be lost without an error,
   * which would leave the agent deaf to the user for good. Asked again, a few times, until it arrives.
   */
  #subscribe(pub: RemoteTrackPublication, identity: string, attempt: number): void {
    pub.setSubscribed(true);
    this.#asking.add(pub);
    const timer = setTimeout(() => {
      this.#asking.delete(pub);
      if (this.#closed || this.#owner !== identity || pub.track) return;
      const stillThere = [...this.#room.remoteParticipants.values()].some(
        (p) => p.identity === identity && [...p.trackPublications.values()].includes(pub),
      );
      if (!stillThere) return;
      if (attempt >= SUBSCRIBE_ATTEMPTS) {
        this.#log('the user mic never arrived; giving up on this publication', { participant: identity, attempt });
        return;
      }
      this.#log('the user mic did not arrive; asking again', { participant: identity, attempt });
      pub.setSubscribed(false);
      this.#subscribe(pub, identity, attempt + 1);
    }, SUBSCRIBE_CHECK_MS * attempt);
    timer.unref();
  }

  readonly #onLeft = (p: RemoteParticipant): void => {
    if (p.identity !== this.#owner) return;
    // Nobody is listening: stop the reply rather than play it into an empty room.
    this.#session.cancelResponse('client_left');
    this.#reading = null;
  };

  readonly #onTrack = (track: RemoteTrack, pub: RemoteTrackPublication, p: RemoteParticipant): void => {
    if (p.identity !== this.#owner || !isUserMic(pub)) {
      // Not ours to hear (a subscription we did not ask for): drop it.
      pub.setSubscribed(false);
      return;
    }
    // A new track of the user (rejoin, device change) replaces the one being read.
    this.#readTrack(track, p.identity);
  };

  #readTrack(track: Track, identity: string): void {
    this.#log('reading user audio', { participant: identity });
    const deafUntil = this.#deafForMs > 0 ? performance.now() + this.#deafForMs : 0;
    this.#deafForMs = 0; // the first read only
    // 20 ms frames: half the per-frame JS work of the default 10 ms, and the VAD works in 32 ms windows anyway.
    const stream = new AudioStream(track, { sampleRate: INPUT_RATE, numChannels: 1, frameSizeMs: 20 });
    this.#reading = stream;
    this.#userTrackSid = track.sid;
    void (async () => {
      try {
        for await (const frame of stream) {
          if (this.#closed || this.#reading !== stream) break;
          if (deafUntil > 0 && performance.now() < deafUntil) continue;
          this.#session.pushAudio(frame.data);
        }
      } catch (e) {
        this.#log('user audio stream ended with an error', { error: String(e) });
      } finally {
        if (this.#reading === stream) this.#reading = null;
      }
    })();
  }

  readonly #onData = (payload: Uint8Array, participant?: RemoteParticipant, _kind?: unknown, topic?: string): void => {
    if (topic !== REALTIME_TOPIC || !participant || this.#closed) return;
    // Only the session's user speaks the protocol; anyone else in the room is ignored.
    if (participant.identity !== this.#owner) return;
    this.#inbox.packet(payload, participant.identity);
  };

  /** One event from the user, in the order it was sent (a stream and the packets after it). */
  #receive(bytes: Uint8Array, identity: string, maxBytes: number): void {
    if (this.#closed) return;
    if (this.#reannounce) {
      this.#reannounce = false;
      this.#session.announce();
    }
    this.#session.receive(bytes, identity, maxBytes);
  }

  /** A client event over one data packet, as a text stream on the same topic (from the user only). */
  readonly #onStream = (reader: TextStreamReader, info: { identity: string }): void => {
    if (info.identity !== this.#owner || this.#closed) return;
    this.#inbox.stream(reader, info.identity, reader.info.streamId);
  };

  #send(event: OutgoingServerEvent): void {
    const local = this.#room.localParticipant;
    const owner = this.#owner;
    if (!local || owner === null) return;
    const full = { event_id: newId('event'), ...event };
    // Over one data packet, the event goes as a text stream (in order with the packets around it).
    this.#outbox
      .send(encodeEvent(full), {
        packet: (bytes) =>
          local.publishData(bytes, { reliable: true, topic: REALTIME_TOPIC, destination_identities: [owner] }),
        stream: (text, streamId) =>
          local.sendText(text, { topic: REALTIME_TOPIC, destinationIdentities: [owner], streamId }),
      })
      .catch((e: unknown) => {
        if (!this.#closed) this.#log('sending an event failed', { error: String(e), type: event.type });
      });
  }
}
