/**
 * The LiveKit transport's link to a stock LiveKit Agents agent (the shell around {@link LkAgentsAdapter}).
 * Which protocol the room's agent speaks is found out, not assumed (`agentProtocol: 'auto'`, the default):
 * an agent participant that shows `lk.agent.state` without Sotto's protocol attribute, or that has not
 * announced a Realtime session (`session.created`) `detectMs` after it was first seen, is a LiveKit Agents
 * agent; its `lk.agent.state` attribute and `lk.transcription` streams then
 * drive the session, and typed text goes out on `lk.chat`. With no agent in the room at all for `waitMs`,
 * the host is told once (a typed `no_agent` error instead of a session that says `connecting` forever).
 */
import { RoomEvent, type Participant, type Room, type TextStreamReader } from 'livekit-client';
import { SottoError } from '../../errors.ts';
import {
  AGENT_PROTOCOL_ATTRIBUTE,
  SOTTO_TURNS_ATTRIBUTE,
  type ClientEvent,
  type ServerEvent,
} from '../../protocol/index.ts';
import {
  LK_ATTRIBUTE_AGENT_STATE,
  LK_ATTRIBUTE_SEGMENT_ID,
  LK_ATTRIBUTE_TRANSCRIBED_TRACK_ID,
  LK_ATTRIBUTE_TRANSCRIPTION_FINAL,
  LK_TOPIC_CHAT,
  LK_TOPIC_TRANSCRIPTION,
  LkAgentsAdapter,
  type AgentProtocol,
} from '../lk-agents-adapter.ts';

/** Which agents the transport speaks to. */
export interface AgentProtocolOptions {
  /**
   * `auto` (default): Sotto's Realtime protocol when the agent announces a session, LiveKit Agents' surface
   * when an agent stays silent for `detectMs`. `sotto` or `livekit-agents` fix it.
   */
  protocol?: 'auto' | AgentProtocol;
  /** How long an agent may stay silent before it counts as a LiveKit Agents agent, in ms. Default 2500. */
  detectMs?: number;
  /** After this many ms connected without any agent in the room, a `no_agent` error. Default 15000. */
  waitMs?: number;
}

export interface LkAgentsLinkHost {
  /** Trust `identity` as the session's agent and play its voice (as for a `session.created`). */
  adopt(identity: string): void;
  /** A server event on behalf of the adopted agent. */
  event(e: ServerEvent): void;
  /** Something the agent was asked failed (an `sotto.end_of_turn` call). */
  failed(error: SottoError): void;
  /** No agent has been in the room for `waitMs`. */
  noAgent(waitedMs: number): void;
  /** The agent that announced a Realtime session on this connection, if any. */
  sottoAgent(): string | null;
}

export class LkAgentsLink {
  readonly #h: LkAgentsLinkHost;
  readonly #protocol: 'auto' | AgentProtocol;
  readonly #detectMs: number;
  readonly #waitMs: number;
  #room: Room | null = null;
  #adapter: LkAgentsAdapter | null = null;
  readonly #seenAt = new Map<string, number>();
  #connectedAt = 0;
  #reported = false;
  /** An agent has been in the room on this connection. */
  #everSeen = false;

  constructor(host: LkAgentsLinkHost, opts: AgentProtocolOptions = {}) {
    this.#h = host;
    this.#protocol = opts.protocol ?? 'auto';
    this.#detectMs = opts.detectMs ?? 2500;
    this.#waitMs = opts.waitMs ?? 15_000;
  }

  /** The protocol of the agent the session talks to now, or null (none yet). */
  get protocol(): AgentProtocol | null {
    if (this.#adapter) return 'livekit-agents';
    return this.#h.sottoAgent() === null ? null : 'sotto';
  }

  /** A new room (first join or full rejoin): listen to it; the agent is found out again. */
  attach(room: Room, now: number): void {
    this.#room = room;
    this.#adapter = null;
    this.#seenAt.clear();
    this.#connectedAt = now;
    this.#everSeen = false;
    room.on(RoomEvent.ParticipantAttributesChanged, (_changed: Record<string, string>, p: Participant) => {
      if (this.#room !== room) return;
      if (p.identity === this.#adapter?.agentIdentity) this.#state(p);
      else if (!this.#adapter && p.isAgent) this.tick(performance.now());
    });
    room.registerTextStreamHandler(LK_TOPIC_TRANSCRIPTION, (reader, info) => {
      if (this.#room === room) this.#transcription(reader, info.identity);
    });
  }

  /** Periodic check (the transport's health tick): adopts a silent agent, reports a missing one. */
  tick(now: number): void {
    const room = this.#room;
    if (!room || this.#adapter) return;
    if (this.#protocol === 'sotto' || this.#h.sottoAgent() !== null) {
      this.#everSeen = true; // a Sotto agent is (or was) here
      return;
    }
    const agents = [...room.remoteParticipants.values()].filter((p) => p.isAgent);
    // A Sotto agent says so in an attribute before it announces its session: wait for the announcement.
    if (this.#protocol === 'auto' && agents.some((p) => p.attributes[AGENT_PROTOCOL_ATTRIBUTE] !== undefined)) {
      this.#everSeen = true;
      return;
    }
    for (const p of agents) if (!this.#seenAt.has(p.identity)) this.#seenAt.set(p.identity, now);
    if (agents.length > 0) this.#everSeen = true;
    // An agent showing LiveKit Agents' `lk.agent.state` without Sotto's protocol attribute (which a Sotto
    // agent sets in the same update) is a LiveKit Agents agent now: its first words are not missed.
    const due = (p: Participant): number =>
      this.#protocol === 'livekit-agents' || p.attributes[LK_ATTRIBUTE_AGENT_STATE] !== undefined ? 0 : this.#detectMs;
    const silent = agents.find((p) => now - (this.#seenAt.get(p.identity) ?? now) >= due(p));
    if (silent) {
      this.#adopt(silent);
      return;
    }
    // Only an agent that never came is reported (one that left is the session's agent_left business).
    if (this.#seenAt.size === 0 && !this.#everSeen && !this.#reported && now - this.#connectedAt >= this.#waitMs) {
      this.#reported = true;
      this.#h.noAgent(Math.round(now - this.#connectedAt));
    }
  }

  /**
   * A client event while a LiveKit Agents agent is the session's agent: returns true when handled here
   * (typed text goes out on `lk.chat`; the rest is the agent's own business), false in Sotto mode.
   */
  async send(event: ClientEvent): Promise<boolean> {
    const adapter = this.#adapter;
    const room = this.#room;
    if (!adapter || !room) return false;
    const t = adapter.translate(event);
    if (t.chat !== undefined) {
      await room.localParticipant.sendText(t.chat, {
        topic: LK_TOPIC_CHAT,
        destinationIdentities: [adapter.agentIdentity],
      });
    }
    for (const e of t.local ?? [])
      queueMicrotask(() => {
        this.#h.event(e);
      });
    if (t.endOfTurn !== undefined) {
      // The agent opted in to the client's turn ends. A failed call (the agent refused it, or did not answer)
      // is reported; the turn's audio stays with the agent, which ends the turn with its own detection or
      // on the next call that gets through.
      const method = t.endOfTurn;
      room.localParticipant
        .performRpc({ destinationIdentity: adapter.agentIdentity, method, payload: '{}' })
        .catch((e: unknown) => {
          this.#h.failed(
            new SottoError('server_error', `${method} on ${adapter.agentIdentity} failed: ${String(e)}`, { cause: e }),
          );
        });
    }
    return true;
  }

  /**
   * The agent announced a Realtime session after all (it was a Sotto agent, slow to start): Sotto's protocol
   * from now on.
   */
  sottoAnnounced(): void {
    this.#adapter = null;
  }

  /** A participant left; the adopted agent leaving ends its reply and lets the next agent be found out. */
  left(identity: string): void {
    this.#seenAt.delete(identity);
    if (this.#adapter?.agentIdentity !== identity) return;
    const events = this.#adapter.left();
    this.#adapter = null;
    for (const e of events) this.#h.event(e);
  }

  #adopt(p: Participant): void {
    const adapter = new LkAgentsAdapter(p.identity);
    this.#adapter = adapter;
    this.#h.adopt(p.identity);
    this.#h.event(adapter.announce());
    this.#state(p);
  }

  #state(p: Participant): void {
    const adapter = this.#adapter;
    // An empty value clears the attribute: the agent stopped taking turn ends.
    if (adapter) {
      const method = p.attributes[SOTTO_TURNS_ATTRIBUTE];
      adapter.endOfTurnMethod = method === undefined || method === '' ? null : method;
    }
    const state = p.attributes[LK_ATTRIBUTE_AGENT_STATE];
    if (!adapter || state === undefined) return;
    for (const e of adapter.stateChanged(state)) this.#h.event(e);
  }

  /** A transcription stream: the agent's words (a delta stream) or the user's (whole text per stream). */
  #transcription(reader: TextStreamReader, identity: string): void {
    const adapter = this.#adapter;
    const room = this.#room;
    if (!adapter || !room) {
      // Sotto's agent sends these too; its Realtime events already carry the words. Drain the stream.
      void reader.readAll().catch(() => undefined);
      return;
    }
    const attrs = reader.info.attributes ?? {};
    const segment = attrs[LK_ATTRIBUTE_SEGMENT_ID] ?? reader.info.id;
    const track = attrs[LK_ATTRIBUTE_TRANSCRIBED_TRACK_ID];
    const local = room.localParticipant;
    const ours = [...local.trackPublications.values()].some((pub) => pub.trackSid === track);
    const user = identity === local.identity || ours;
    if (!user && identity !== adapter.agentIdentity) return; // nobody we listen to
    void (async () => {
      let text = '';
      for await (const chunk of reader) {
        text += chunk;
        if (!user) this.#emit(adapter, adapter.agentDelta(segment, chunk));
      }
      if (user)
        this.#emit(adapter, adapter.userText(segment, text, attrs[LK_ATTRIBUTE_TRANSCRIPTION_FINAL] === 'true'));
      else this.#emit(adapter, adapter.agentDone(segment, text));
    })().catch(() => undefined);
  }

  #emit(adapter: LkAgentsAdapter, events: ServerEvent[]): void {
    if (adapter !== this.#adapter) return; // an agent that has since left
    for (const e of events) this.#h.event(e);
  }
}
