/**
 * Dispatch reconciliation. LiveKit dispatches a room to an agent worker once, when the room is created,
 * and does not retry: a room created while no worker was registered (a LiveKit server restart, a worker
 * restart, every worker busy) never gets an agent. The reconciler looks for rooms that have a user but no
 * agent for a while, and dispatches them explicitly (CreateDispatch launches a job for an existing room).
 *
 * Run it in one worker per deployment (SOTTO_RECONCILE=0 turns it off elsewhere); two reconcilers may
 * both dispatch the same orphaned room.
 */
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';

/** `livekit.ParticipantInfo.Kind` values (protocol enum). */
const KIND_STANDARD = 0;
const KIND_AGENT = 4;

export interface ReconcilerOptions {
  /** LiveKit URL (ws:// or http://; the API is HTTP). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The worker's agent name ('' for automatic dispatch). */
  agentName?: string;
  /** How often to look, ms. Default 2000. */
  intervalMs?: number;
  /** A room must be without an agent this long before it is dispatched, ms. Default 3000 (a normal dispatch takes < 1 s). */
  graceMs?: number;
  /** After a dispatch, leave the room alone this long, ms. Default 15000. */
  backoffMs?: number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/** A room as the reconciler sees it: participant kinds are `livekit.ParticipantInfo.Kind` numbers. */
export interface RoomView {
  name: string;
  participants: { kind: number }[];
}

/** Pure decision: which rooms to dispatch now. `seen` maps room -> since when it has lacked an agent. */
export function roomsToDispatch(
  rooms: RoomView[],
  seen: Map<string, number>,
  dispatchedAt: Map<string, number>,
  now: number,
  graceMs: number,
  backoffMs: number,
): string[] {
  const out: string[] = [];
  const present = new Set<string>();
  for (const room of rooms) {
    const hasAgent = room.participants.some((p) => p.kind === KIND_AGENT);
    const hasUser = room.participants.some((p) => p.kind === KIND_STANDARD);
    if (hasAgent || !hasUser) {
      seen.delete(room.name);
      continue;
    }
    present.add(room.name);
    const since = seen.get(room.name) ?? now;
    seen.set(room.name, since);
    const last = dispatchedAt.get(room.name);
    if (now - since >= graceMs && (last === undefined || now - last >= backoffMs)) out.push(room.name);
  }
  for (const name of seen.keys()) if (!present.has(name)) seen.delete(name);
  for (const name of dispatchedAt.keys()) if (!present.has(name)) dispatchedAt.delete(name);
  return out;
}

export class DispatchReconciler {
  readonly #rooms: RoomServiceClient;
  readonly #dispatch: AgentDispatchClient;
  readonly #opts: Required<Omit<ReconcilerOptions, 'log'>> & Pick<ReconcilerOptions, 'log'>;
  readonly #seen = new Map<string, number>();
  readonly #dispatchedAt = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor(options: ReconcilerOptions) {
    const http = options.url.replace(/^ws/, 'http');
    this.#opts = { agentName: '', intervalMs: 2000, graceMs: 3000, backoffMs: 15_000, ...options, url: http };
    this.#rooms = new RoomServiceClient(http, options.apiKey, options.apiSecret);
    this.#dispatch = new AgentDispatchClient(http, options.apiKey, options.apiSecret);
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.reconcileOnce(), this.#opts.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One pass; returns the rooms it dispatched. Errors (server down) are logged and retried next pass. */
  async reconcileOnce(now = Date.now()): Promise<string[]> {
    if (this.#busy) return [];
    this.#busy = true;
    try {
      const rooms = await this.#rooms.listRooms();
      const withPeople = rooms.filter((r) => r.numParticipants > 0);
      const detailed: RoomView[] = await Promise.all(
        withPeople.map(async (r) => ({
          name: r.name,
          participants: (await this.#rooms.listParticipants(r.name)).map((p) => ({ kind: p.kind })),
        })),
      );
      const o = this.#opts;
      const todo = roomsToDispatch(detailed, this.#seen, this.#dispatchedAt, now, o.graceMs, o.backoffMs);
      for (const room of todo) {
        this.#dispatchedAt.set(room, now);
        await this.#dispatch.createDispatch(room, o.agentName);
        o.log?.('dispatched an orphaned room', { room });
      }
      return todo;
    } catch (e) {
      this.#opts.log?.('dispatch reconciliation failed; will retry', { error: String(e) });
      return [];
    } finally {
      this.#busy = false;
    }
  }
}
