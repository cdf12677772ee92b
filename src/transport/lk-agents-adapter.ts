/**
 * Speaking to a stock LiveKit Agents agent (pure). Such an agent never sends Realtime events; it shows its
 * state in the `lk.agent.state` attribute, its and the user's words on `lk.transcription` text streams,
 * and reads typed text on `lk.chat`. This adapter turns those signals into the Realtime server events the
 * session already follows (`session.created`, `response.created`, `output_audio_buffer.started|stopped`,
 * `response.done`, transcript deltas), and says what each client event becomes (most are the agent's own
 * business: it detects turns and interruptions by itself).
 */
import type { ClientEvent, ServerEvent } from '../protocol/index.ts';

/** How the client talks to the room's agent. */
export type AgentProtocol = 'sotto' | 'livekit-agents';

/** LiveKit Agents' names. */
export const LK_ATTRIBUTE_AGENT_STATE = 'lk.agent.state';
export const LK_TOPIC_TRANSCRIPTION = 'lk.transcription';
export const LK_TOPIC_CHAT = 'lk.chat';
export const LK_ATTRIBUTE_SEGMENT_ID = 'lk.segment_id';
export const LK_ATTRIBUTE_TRANSCRIPTION_FINAL = 'lk.transcription_final';
export const LK_ATTRIBUTE_TRANSCRIBED_TRACK_ID = 'lk.transcribed_track_id';

/**
 * What a client event becomes: typed text for `lk.chat`, server events to answer locally, an RPC that ends
 * the user's turn (an agent that opted in, see `SOTTO_TURNS_ATTRIBUTE`), or nothing.
 */
export interface Translation {
  chat?: string;
  local?: ServerEvent[];
  /** The RPC method to call on the agent: the client's endpointer ended the user's turn. */
  endOfTurn?: string;
}

interface Reply {
  id: string;
  started: boolean;
}

export class LkAgentsAdapter {
  readonly agentIdentity: string;
  /** The RPC method the agent takes the client's turn ends on (its `sotto.turns` attribute), or null. */
  endOfTurnMethod: string | null = null;
  #n = 0;
  #state = 'initializing';
  #reply: Reply | null = null;
  /** Text so far of each user segment (interim streams carry the whole text). */
  readonly #userText = new Map<string, string>();
  /** A user message waiting for the `response.create` that makes it typed input. */
  #typed: string | null = null;

  constructor(agentIdentity: string) {
    this.agentIdentity = agentIdentity;
  }

  /** The agent's state as it last said (`lk.agent.state`). */
  get state(): string {
    return this.#state;
  }

  /** The session announcement the session waits for. */
  announce(): ServerEvent {
    return {
      type: 'session.created',
      event_id: this.#id('event'),
      session: { type: 'realtime', id: `lk_${this.agentIdentity}`, 'sotto:extensions': [] },
    };
  }

  /** `lk.agent.state` changed. */
  stateChanged(state: string): ServerEvent[] {
    if (state === this.#state) return [];
    this.#state = state;
    const out: ServerEvent[] = [];
    if (state === 'thinking') {
      // Straight from speaking to thinking: the agent dropped that reply (the user spoke) for a new one.
      if (this.#reply?.started) this.#endReply(out, 'cancelled');
      this.#ensureReply(out);
    } else if (state === 'speaking') {
      const r = this.#ensureReply(out);
      if (!r.started) {
        r.started = true;
        out.push({ type: 'output_audio_buffer.started', event_id: this.#id('event'), response_id: r.id });
      }
    } else this.#endReply(out, 'completed');
    return out;
  }

  /** A chunk of the agent's transcript (a delta stream from the agent, segment `segmentId`). */
  agentDelta(segmentId: string, delta: string): ServerEvent[] {
    if (delta === '') return [];
    const out: ServerEvent[] = [];
    const r = this.#ensureReply(out);
    out.push({
      type: 'response.output_audio_transcript.delta',
      event_id: this.#id('event'),
      response_id: r.id,
      item_id: segmentId,
      output_index: 0,
      content_index: 0,
      delta,
    });
    return out;
  }

  /** The agent's transcript stream for `segmentId` ended with `text` in all. */
  agentDone(segmentId: string, text: string): ServerEvent[] {
    const r = this.#reply;
    if (!r) return [];
    return [
      {
        type: 'response.output_audio_transcript.done',
        event_id: this.#id('event'),
        response_id: r.id,
        item_id: segmentId,
        output_index: 0,
        content_index: 0,
        transcript: text,
      },
    ];
  }

  /** A user transcript stream: the whole text of segment `segmentId` so far, `final` or interim. */
  userText(segmentId: string, text: string, final: boolean): ServerEvent[] {
    const before = this.#userText.get(segmentId) ?? '';
    const out: ServerEvent[] = [];
    if (text.startsWith(before) && text.length > before.length) {
      out.push({
        type: 'conversation.item.input_audio_transcription.delta',
        event_id: this.#id('event'),
        item_id: segmentId,
        content_index: 0,
        delta: text.slice(before.length),
      });
    }
    if (final) {
      this.#userText.delete(segmentId);
      out.push({
        type: 'conversation.item.input_audio_transcription.completed',
        event_id: this.#id('event'),
        item_id: segmentId,
        content_index: 0,
        transcript: text,
        usage: { type: 'duration', seconds: 0 },
      });
    } else this.#userText.set(segmentId, text);
    return out;
  }

  /**
   * What a client event becomes for this agent. Typed text is a user message followed by `response.create`
   * (what the session sends for `sendText`); user messages followed by anything else (a conversation handed
   * over to a new agent) are not typed input and are not sent.
   */
  translate(event: ClientEvent): Translation {
    const typed = this.#typed;
    this.#typed = null;
    switch (event.type) {
      case 'input_audio_buffer.commit':
        // The agent ends turns by itself (or, if it opted in, is told now); the client's own turn is
        // acknowledged here.
        return {
          local: [{ type: 'input_audio_buffer.committed', event_id: this.#id('event'), item_id: this.#id('item') }],
          ...(this.endOfTurnMethod === null ? {} : { endOfTurn: this.endOfTurnMethod }),
        };
      case 'conversation.item.create': {
        const item = event.item;
        if (item.type === 'message' && item.role === 'user') {
          const text = item.content
            .map((c) => (c.type === 'input_text' ? c.text : ''))
            .join(' ')
            .trim();
          this.#typed = text || null;
        }
        return {};
      }
      case 'response.create':
        return typed === null ? {} : { chat: typed };
      default:
        return {};
    }
  }

  /** The agent left: a reply in progress ends (cancelled). */
  left(): ServerEvent[] {
    const out: ServerEvent[] = [];
    this.#endReply(out, 'cancelled');
    return out;
  }

  #ensureReply(out: ServerEvent[]): Reply {
    if (this.#reply) return this.#reply;
    const r = { id: this.#id('resp'), started: false };
    this.#reply = r;
    out.push({
      type: 'response.created',
      event_id: this.#id('event'),
      response: { id: r.id, object: 'realtime.response', status: 'in_progress', output: [] },
    });
    return r;
  }

  #endReply(out: ServerEvent[], status: 'completed' | 'cancelled'): void {
    const r = this.#reply;
    if (!r) return;
    this.#reply = null;
    if (r.started) out.push({ type: 'output_audio_buffer.stopped', event_id: this.#id('event'), response_id: r.id });
    out.push({
      type: 'response.done',
      event_id: this.#id('event'),
      response: { id: r.id, object: 'realtime.response', status, output: [] },
    });
  }

  #id(prefix: string): string {
    return `${prefix}_lk${String(++this.#n)}`;
  }
}
