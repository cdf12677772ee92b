/**
 * A room no worker takes gets a typed answer instead of silence: an `error` event with code
 * `agent_unavailable` on the Realtime topic, sent to the room through LiveKit's server API (no agent
 * joins for it). The client should treat it as "no agent will serve this room now; try again later".
 *
 * Two ways a room goes unserved, both seen here: this worker refused the request (it would not fit), or
 * the worker reports itself full so LiveKit stops offering it rooms at all (then, while full, it looks
 * at the rooms LiveKit lists: a room with one participant — the user — and no agent for `noticeMs`).
 * Either way the room is checked for an agent participant before the notice goes out, so a room that
 * another worker took is left alone.
 */
import { DataPacket_Kind, RoomServiceClient } from 'livekit-server-sdk';
import { encodeEvent, REALTIME_TOPIC } from '../src/protocol/index.ts';
import { newId } from './ids.ts';

/** `livekit.ParticipantInfo.Kind.AGENT` (protocol enum value). */
const KIND_AGENT = 4;
const isAgent = (kind: number): boolean => kind === KIND_AGENT;

export interface UnservedNoticeOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** How long a room may lack an agent before it is told, ms. Default 2500 (a normal start is < 1 s). */
  noticeMs?: number;
  /** How often a full worker looks for unserved rooms, ms. Default 1000. */
  pollMs?: number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/** The event the client receives (an OpenAI-style `error`, with a code the SDK maps to a typed error). */
export function agentUnavailableEvent(): Uint8Array {
  return encodeEvent({
    type: 'error',
    event_id: newId('event'),
    error: {
      type: 'server_error',
      code: 'agent_unavailable',
      message: 'No agent can take this conversation now (every worker is at capacity). Try again shortly.',
      param: null,
      event_id: null,
    },
  });
}

export class UnservedNotice {
  readonly #rooms: RoomServiceClient;
  readonly #noticeMs: number;
  readonly #pollMs: number;
  readonly #log: NonNullable<UnservedNoticeOptions['log']>;
  /** Rooms already told (or being checked), with when: one notice per room. */
  readonly #told = new Map<string, number>();
  /** Rooms seen with a user and no agent, since when. */
  readonly #lonely = new Map<string, number>();
  #poll: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor(opts: UnservedNoticeOptions) {
    const http = opts.url.replace(/^ws/, 'http');
    this.#rooms = new RoomServiceClient(http, opts.apiKey, opts.apiSecret);
    this.#noticeMs = opts.noticeMs ?? 2500;
    this.#pollMs = opts.pollMs ?? 1000;
    this.#log = opts.log ?? (() => undefined);
  }

  /** This worker refused `room`: tell it after `noticeMs` unless another worker took it meanwhile. */
  refused(room: string): void {
    if (this.#told.has(room)) return;
    this.#told.set(room, Date.now());
    setTimeout(() => void this.#check(room), this.#noticeMs).unref();
  }

  /** While full, look for rooms LiveKit could not place (no offer reaches a full worker). */
  setFull(full: boolean): void {
    if (full && !this.#poll) {
      this.#poll = setInterval(() => void this.#scan(), this.#pollMs);
      this.#poll.unref();
    } else if (!full && this.#poll) {
      clearInterval(this.#poll);
      this.#poll = undefined;
      this.#lonely.clear();
    }
  }

  stop(): void {
    this.setFull(false);
  }

  async #scan(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const now = Date.now();
      const rooms = await this.#rooms.listRooms();
      const names = new Set(rooms.map((r) => r.name));
      for (const r of rooms) {
        // One participant: the user alone (an agent would make two).
        if (r.numParticipants !== 1 || this.#told.has(r.name)) {
          this.#lonely.delete(r.name);
          continue;
        }
        const since = this.#lonely.get(r.name) ?? now;
        this.#lonely.set(r.name, since);
        if (now - since >= this.#noticeMs) {
          this.#told.set(r.name, now);
          await this.#check(r.name);
        }
      }
      for (const name of this.#lonely.keys()) if (!names.has(name)) this.#lonely.delete(name);
      for (const [name, at] of this.#told) if (!names.has(name) && now - at > 60_000) this.#told.delete(name);
    } catch (e) {
      this.#log('unserved-room scan failed', { error: String(e) });
    } finally {
      this.#busy = false;
    }
  }

  async #check(room: string): Promise<void> {
    try {
      const people = await this.#rooms.listParticipants(room);
      if (people.length === 0 || people.some((p) => isAgent(p.kind))) return;
      await this.#rooms.sendData(room, agentUnavailableEvent(), DataPacket_Kind.RELIABLE, { topic: REALTIME_TOPIC });
      this.#log('told an unserved room: agent_unavailable', { room });
    } catch (e) {
      this.#log('agent_unavailable notice failed', { room, error: String(e) });
    }
  }
}
