/**
 * The LiveKit Agents standard surface of a Sotto agent, for stock LiveKit clients (agents playground,
 * components-js voice assistant hooks, any LiveKit SDK) that know nothing of Sotto's Realtime protocol:
 *
 * - `lk.agent.state` participant attribute (initializing / listening / thinking / speaking);
 * - `lk.transcription` text streams: the user's transcript when the brain's ASR produces one (sent on the
 *   user's behalf, final), and the agent's, a delta stream per reply paced with playback and cut at the
 *   heard point on interruption, with `lk.segment_id`, `lk.transcription_final` and
 *   `lk.transcribed_track_id` as @livekit/agents sets them;
 * - `lk.chat` text streams from the user: typed input, answered like a spoken turn.
 *
 * It watches the server events the session sends (so it needs no hook into the session's logic) and the
 * agent transcript deltas with their audio positions. Streams go to the session's user only.
 */
import type { Room, TextStreamReader, TextStreamWriter } from '@livekit/rtc-node';
import { AGENT_PROTOCOL_ATTRIBUTE, PROTOCOL_VERSION, type OutgoingServerEvent } from '../../src/protocol/index.ts';
import { readStreamEvent } from '../../src/transport/text-stream-events.ts';
import type { AgentTranscriptDelta } from '../realtime-session.ts';
import { ATTRIBUTE_AGENT_STATE, nextAgentState, type LkAgentState } from './agent-state.ts';
import { CaptionPacer } from './caption-pacer.ts';

export const TOPIC_TRANSCRIPTION = 'lk.transcription';
export const TOPIC_CHAT = 'lk.chat';
export const ATTRIBUTE_SEGMENT_ID = 'lk.segment_id';
export const ATTRIBUTE_TRANSCRIPTION_FINAL = 'lk.transcription_final';
export const ATTRIBUTE_TRANSCRIBED_TRACK_ID = 'lk.transcribed_track_id';

/** Longest typed message read from `lk.chat`, in bytes. */
const MAX_CHAT_BYTES = 64 * 1024;

export interface LkSurfaceDeps {
  room: Room;
  log: (msg: string, extra?: Record<string, unknown>) => void;
  /** The session's user (null before one joined). */
  owner(): string | null;
  /** The sid of the user's microphone track the agent hears, when known. */
  userTrackSid(): string | undefined;
  /** The sid of the agent's reply track, when published. */
  agentTrackSid(): string | undefined;
  /** Typed input from the user (`lk.chat`). */
  typed(text: string): void;
  /** Monotonic clock in ms. Default performance.now. */
  now?: () => number;
}

/** One reply's caption: its pacer and its open delta stream. */
interface Caption {
  itemId: string;
  pacer: CaptionPacer;
  writer: Promise<TextStreamWriter | null> | null;
  /** Writes to the stream, one after another. */
  chain: Promise<void>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class LkSurface {
  readonly #d: LkSurfaceDeps;
  readonly #now: () => number;
  #state: LkAgentState = 'initializing';
  #published: LkAgentState | null = null;
  /** The Sotto attribute went out with the first state. */
  #markedSotto = false;
  #attributes: Promise<void> = Promise.resolve();
  readonly #captions = new Map<string, Caption>();
  #closed = false;

  constructor(deps: LkSurfaceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => performance.now());
  }

  get state(): LkAgentState {
    return this.#state;
  }

  /** Publishes `initializing` and listens for typed input. */
  start(): void {
    this.#publishState();
    this.#d.room.registerTextStreamHandler(TOPIC_CHAT, this.#onChat);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#d.room.unregisterTextStreamHandler(TOPIC_CHAT);
    for (const c of this.#captions.values()) clearTimeout(c.timer);
    this.#captions.clear();
  }

  /** Every server event the session sends. */
  observe(event: OutgoingServerEvent): void {
    if (this.#closed) return;
    const next = nextAgentState(this.#state, event);
    if (next !== this.#state) {
      this.#state = next;
      this.#publishState();
    }
    switch (event.type) {
      case 'conversation.item.input_audio_transcription.completed':
        this.#userTranscript(event.item_id, event.transcript);
        return;
      case 'output_audio_buffer.started': {
        // Audio may start before the reply's first words (a brain that speaks before it transcribes).
        const c = this.#caption(event.response_id);
        c.pacer.started(this.#now());
        this.#pump(event.response_id);
        return;
      }
      case 'response.done':
        this.#endCaption(event.response.id, event.response.status === 'completed');
        return;
      default:
        return;
    }
  }

  /** A transcript delta of a reply, with where it starts in the reply's audio. */
  agentTranscript(e: AgentTranscriptDelta): void {
    if (this.#closed) return;
    const c = this.#caption(e.responseId);
    c.itemId = e.itemId;
    c.pacer.add(e.atMs, e.delta);
    this.#pump(e.responseId);
  }

  #caption(responseId: string): Caption {
    let c = this.#captions.get(responseId);
    if (!c) {
      c = { itemId: '', pacer: new CaptionPacer(), writer: null, chain: Promise.resolve(), timer: undefined };
      this.#captions.set(responseId, c);
    }
    return c;
  }

  #publishState(): void {
    const local = this.#d.room.localParticipant;
    if (!local) return;
    // Every transition, in order (a short `thinking` is still shown). The first also says this is a Sotto
    // agent, so Sotto's client waits for its session.created instead of taking it for a stock agent.
    const state = this.#state;
    const first = !this.#markedSotto;
    this.#markedSotto = true;
    this.#attributes = this.#attributes.then(async () => {
      if (state === this.#published || !this.#d.room.isConnected) return;
      this.#published = state;
      const attributes: Record<string, string> = { [ATTRIBUTE_AGENT_STATE]: state };
      if (first) attributes[AGENT_PROTOCOL_ATTRIBUTE] = String(PROTOCOL_VERSION);
      await local.setAttributes(attributes).catch((e: unknown) => {
        this.#d.log('could not set lk.agent.state', { error: String(e) });
      });
    });
  }

  /** A final user transcript, one stream sent on the user's behalf (as @livekit/agents does). */
  #userTranscript(itemId: string, text: string): void {
    const owner = this.#d.owner();
    const local = this.#d.room.localParticipant;
    if (!owner || !local || text.trim() === '') return;
    const attributes: Record<string, string> = {
      [ATTRIBUTE_SEGMENT_ID]: itemId,
      [ATTRIBUTE_TRANSCRIPTION_FINAL]: 'true',
    };
    const track = this.#d.userTrackSid();
    if (track !== undefined) attributes[ATTRIBUTE_TRANSCRIBED_TRACK_ID] = track;
    void (async () => {
      const w = await local.streamText({
        topic: TOPIC_TRANSCRIPTION,
        attributes,
        destinationIdentities: [owner],
        senderIdentity: owner,
      });
      await w.write(text);
      await w.close();
    })().catch((e: unknown) => {
      this.#d.log('could not send the user transcript', { error: String(e) });
    });
  }

  /** Writes what playback has reached and schedules the next delta. */
  #pump(responseId: string): void {
    const c = this.#captions.get(responseId);
    if (!c) return;
    clearTimeout(c.timer);
    c.timer = undefined;
    const text = c.pacer.due(this.#now());
    if (text) this.#write(c, text);
    const at = c.pacer.nextDueAt();
    if (at !== null) {
      c.timer = setTimeout(
        () => {
          this.#pump(responseId);
        },
        Math.max(0, at - this.#now()),
      );
    }
  }

  #write(c: Caption, text: string): void {
    const owner = this.#d.owner();
    const local = this.#d.room.localParticipant;
    if (!owner || !local) return;
    if (!c.writer) {
      const attributes: Record<string, string> = {
        [ATTRIBUTE_SEGMENT_ID]: c.itemId,
        [ATTRIBUTE_TRANSCRIPTION_FINAL]: 'false',
      };
      const track = this.#d.agentTrackSid();
      if (track !== undefined) attributes[ATTRIBUTE_TRANSCRIBED_TRACK_ID] = track;
      c.writer = local
        .streamText({ topic: TOPIC_TRANSCRIPTION, attributes, destinationIdentities: [owner] })
        .catch((e: unknown) => {
          this.#d.log('could not open the agent transcript stream', { error: String(e) });
          return null;
        });
    }
    const writer = c.writer;
    c.chain = c.chain.then(async () => {
      const w = await writer;
      await w?.write(text).catch(() => undefined);
    });
  }

  /** The reply ended: a completed one releases its last text; a cut one drops what was not heard. */
  #endCaption(responseId: string, completed: boolean): void {
    const c = this.#captions.get(responseId);
    if (!c) return;
    this.#captions.delete(responseId);
    clearTimeout(c.timer);
    const rest = completed ? c.pacer.finish() : '';
    if (!completed) c.pacer.cut();
    if (rest) this.#write(c, rest);
    const writer = c.writer;
    if (writer) {
      c.chain = c.chain.then(async () => {
        const w = await writer;
        await w?.close().catch(() => undefined);
      });
    }
  }

  readonly #onChat = (reader: TextStreamReader, info: { identity: string }): void => {
    if (this.#closed || info.identity !== this.#d.owner()) return;
    void readStreamEvent(reader, MAX_CHAT_BYTES).then((bytes) => {
      if (this.#closed || bytes.byteLength > MAX_CHAT_BYTES) return;
      this.#d.typed(new TextDecoder().decode(bytes));
    });
  };
}
