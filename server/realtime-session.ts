import {
  AudioStream,
  RoomEvent,
  TrackKind,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  type Track,
  type Room,
} from '@livekit/rtc-node';
import {
  encodeEvent,
  parseClientEvent,
  PROTOCOL_VERSION,
  REALTIME_TOPIC,
  type ClientEvent,
  type ServerEvent,
} from '../src/protocol/index.ts';
import { AudioOutput } from './audio-output.ts';
import type { Brain, UserTurn } from './brains/index.ts';
import { newId } from './ids.ts';
import { InputAudioBuffer } from './input-audio-buffer.ts';

/** Input audio is taken from the user's track at this rate, mono. */
const INPUT_RATE = 48_000;

/** Distributes `Omit<ServerEvent, 'event_id'>` over the union so each member keeps its own fields. */
type Outgoing = ServerEvent extends infer E ? (E extends ServerEvent ? Omit<E, 'event_id'> : never) : never;

interface ActiveResponse {
  id: string;
  abort: AbortController;
}

/**
 * One Realtime session: the agent side of one room. It buffers the user's audio, and on
 * `input_audio_buffer.commit` + `response.create` asks the brain for a reply and streams it on the
 * agent's audio track, with the response lifecycle on the data channel.
 */
export class RealtimeSession {
  readonly id = newId('sess');
  readonly #room: Room;
  readonly #brain: Brain;
  readonly #input = new InputAudioBuffer(INPUT_RATE);
  readonly #output: AudioOutput;
  readonly #log: (msg: string, extra?: Record<string, unknown>) => void;
  #pending: (UserTurn & { committedAt: number }) | null = null;
  #response: ActiveResponse | null = null;
  #closed = false;

  constructor(room: Room, brain: Brain, log: (msg: string, extra?: Record<string, unknown>) => void) {
    this.#room = room;
    this.#brain = brain;
    this.#output = new AudioOutput(brain.sampleRate);
    this.#log = log;
  }

  async start(): Promise<void> {
    const local = this.#room.localParticipant;
    if (!local) throw new Error('room is not connected');
    this.#room.on(RoomEvent.TrackSubscribed, this.#onTrack);
    this.#room.on(RoomEvent.DataReceived, this.#onData);
    this.#room.on(RoomEvent.ParticipantConnected, this.#onParticipant);
    await this.#output.publish(local);
    for (const p of this.#room.remoteParticipants.values()) {
      this.#onParticipant(p);
      for (const pub of p.trackPublications.values()) {
        if (pub.track?.kind === TrackKind.KIND_AUDIO) this.#readTrack(pub.track, p.identity);
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#response?.abort.abort();
    this.#room.off(RoomEvent.TrackSubscribed, this.#onTrack);
    this.#room.off(RoomEvent.DataReceived, this.#onData);
    this.#room.off(RoomEvent.ParticipantConnected, this.#onParticipant);
    await this.#output.close();
  }

  readonly #onParticipant = (p: RemoteParticipant): void => {
    this.#send({ type: 'session.created', session: { id: this.id, 'sotto:protocol_version': PROTOCOL_VERSION } }, [
      p.identity,
    ]);
  };

  readonly #onTrack = (track: RemoteTrack, _pub: RemoteTrackPublication, p: RemoteParticipant): void => {
    if (track.kind === TrackKind.KIND_AUDIO) this.#readTrack(track, p.identity);
  };

  #readTrack(track: Track, identity: string): void {
    this.#log('reading user audio', { participant: identity });
    void this.#readAudio(new AudioStream(track, { sampleRate: INPUT_RATE, numChannels: 1 }));
  }

  async #readAudio(stream: AudioStream): Promise<void> {
    try {
      for await (const frame of stream) {
        if (this.#closed) break;
        this.#input.append(frame.data);
      }
    } catch (e) {
      this.#log('user audio stream ended with an error', { error: String(e) });
    }
  }

  readonly #onData = (payload: Uint8Array, participant?: RemoteParticipant, _kind?: unknown, topic?: string): void => {
    if (topic !== REALTIME_TOPIC || !participant) return;
    const parsed = parseClientEvent(payload);
    if (!parsed.ok) {
      this.#error(participant.identity, parsed.code, parsed.message);
      return;
    }
    this.#handle(parsed.event, participant.identity);
  };

  #handle(event: ClientEvent, from: string): void {
    switch (event.type) {
      case 'input_audio_buffer.commit':
        this.#commit(from, event.event_id);
        return;
      case 'input_audio_buffer.clear':
        this.#input.clear();
        this.#send({ type: 'input_audio_buffer.cleared' }, [from]);
        return;
      case 'response.create':
        this.#createResponse(from, event.event_id);
        return;
      case 'response.cancel':
        this.#response?.abort.abort();
        return;
    }
  }

  #commit(from: string, eventId?: string): void {
    if (this.#input.samples === 0) {
      this.#error(from, 'input_audio_buffer_commit_empty', 'the input audio buffer is empty', eventId);
      return;
    }
    const pcm = this.#input.take();
    const itemId = newId('item');
    this.#pending = { itemId, pcm, sampleRate: INPUT_RATE, committedAt: performance.now() };
    const audioMs = Math.round((pcm.length * 1000) / INPUT_RATE);
    this.#send({ type: 'input_audio_buffer.committed', item_id: itemId, 'sotto:audio_ms': audioMs }, [from]);
  }

  #createResponse(from: string, eventId?: string): void {
    if (this.#response) {
      this.#error(from, 'conversation_already_has_active_response', 'a response is in progress', eventId);
      return;
    }
    const turn = this.#pending;
    if (!turn) {
      this.#error(from, 'no_committed_input', 'commit input audio before response.create', eventId);
      return;
    }
    this.#pending = null;
    const response: ActiveResponse = { id: newId('resp'), abort: new AbortController() };
    this.#response = response;
    void this.#runResponse(response, turn, from).finally(() => {
      if (this.#response === response) this.#response = null;
    });
  }

  async #runResponse(r: ActiveResponse, turn: UserTurn & { committedAt: number }, to: string): Promise<void> {
    this.#send({ type: 'response.created', response: { id: r.id, status: 'in_progress' } }, [to]);
    let status: 'completed' | 'cancelled' | 'failed' = 'completed';
    let firstAudioMs: number | undefined;
    let audioMs = 0;
    try {
      const result = await this.#output.play(this.#brain.reply(turn, r.abort.signal), r.abort.signal, () => {
        this.#send({ type: 'output_audio_buffer.started', response_id: r.id }, [to]);
      });
      if (result.firstFrameAt !== null) firstAudioMs = result.firstFrameAt - turn.committedAt;
      audioMs = (result.samples * 1000) / this.#output.sampleRate;
      if (result.cancelled) status = 'cancelled';
      if (result.firstFrameAt !== null) this.#send({ type: 'output_audio_buffer.stopped', response_id: r.id }, [to]);
    } catch (e) {
      status = 'failed';
      this.#log('response failed', { error: String(e) });
    }
    const timings = {
      audio_ms: Math.round(audioMs),
      ...(firstAudioMs === undefined ? {} : { commit_to_first_audio_ms: Math.round(firstAudioMs * 100) / 100 }),
    };
    this.#send({ type: 'response.done', response: { id: r.id, status, 'sotto:timings': timings } }, [to]);
  }

  #error(to: string, code: string, message: string, eventId?: string): void {
    this.#send(
      {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          code,
          message,
          ...(eventId === undefined ? {} : { event_id: eventId }),
        },
      },
      [to],
    );
  }

  #send(event: Outgoing, to: string[]): void {
    const local = this.#room.localParticipant;
    if (this.#closed || !local) return;
    const full = { event_id: newId('event'), ...event };
    local
      .publishData(encodeEvent(full), { reliable: true, topic: REALTIME_TOPIC, destination_identities: to })
      .catch((e: unknown) => {
        this.#log('publishData failed', { error: String(e), type: event.type });
      });
  }
}
