/**
 * Dispatch reconciliation. LiveKit dispatches a room to an agent worker once, when the room is created,
 * and does not retry: a room created while no worker was registered (a LiveKit server restart, a worker
 * restart, every worker busy) never gets an agent, and a room whose job process died keeps a dead agent
 * participant for a while and then has none. Two paths fix that:
 *
 * - `redispatch(room, deadIdentity)`: the worker saw its job for `room` exit (server/job-watch.ts). If the
 *   user is still there and no other agent is, the dead agent's participant is removed (so the client
 *   sees it leave at once) and the room is dispatched again: a new job joins within ~1 s.
 * - `reconcileOnce()` every `intervalMs`: rooms with a user and no agent for `graceMs`, skipping rooms this
 *   worker is already starting a job for (`busyRooms`), are dispatched explicitly.
 *
 * Every worker runs one by default (SOTTO_RECONCILE=0 turns it off): when a worker dies, the survivors'
 * reconcilers are what re-dispatch its rooms (docs/scale.md, "Cluster"). Two reconcilers may both
 * dispatch the same orphaned room; the second job finds the first agent there and leaves (agent.ts).
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
  /** How often to look, ms. Default 1000 (two cheap API calls per room with people). */
  intervalMs?: number;
  /** A room must be without an agent this long before it is dispatched, ms. Default 2000 (a normal dispatch takes < 1 s). */
  graceMs?: number;
  /** After a dispatch, leave the room alone this long, ms. Default 30000 (a job start on a busy machine can take 20 s). */
  backoffMs?: number;
  /** Rooms this worker has a job for (starting or running): never orphans. Default: none. */
  busyRooms?: () => Set<string>;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/** Pure: what to do for a room whose job (agent `gone`) exited, given who is in the room now. */
export function afterJobExit(
  participants: readonly { identity: string; kind: number }[],
  gone: string,
): { dispatch: boolean; removeDead: boolean } {
  const removeDead = participants.some((p) => p.identity === gone);
  const user = participants.some((p) => p.kind === KIND_STANDARD);
  const liveAgent = participants.some((p) => p.kind === KIND_AGENT && p.identity !== gone);
  return { dispatch: user && !liveAgent, removeDead };
}

/** A room as the reconciler sees it: participant kinds are `livekit.ParticipantInfo.Kind` numbers. */
export interface RoomView {
  name: string;
  participants: { kind: number }[];
}

/** How long after its creation a room is looked at whatever its participant count says, in s. */
const YOUNG_ROOM_S = 60;

/**
 * Rooms worth listing the participants of: those with people, and those created within the last
 * {@link YOUNG_ROOM_S} (LiveKit's `numParticipants` lags a join by seconds: a room recreated by a user who
 * rejoined a restarted server reads 0 for ~5-8 s, and its dispatch waited that long). Rooms this worker is
 * starting or running a job for are skipped.
 */
export function roomsToInspect<R extends { name: string; numParticipants: number; creationTime: bigint }>(
  rooms: readonly R[],
  busy: ReadonlySet<string>,
  nowMs: number,
): R[] {
  const nowS = BigInt(Math.floor(nowMs / 1000));
  return rooms.filter(
    (r) => !busy.has(r.name) && (r.numParticipants > 0 || nowS - r.creationTime < BigInt(YOUNG_ROOM_S)),
  );
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
  readonly #opts: Required<Omit<ReconcilerOptions, 'log' | 'busyRooms'>> & Pick<ReconcilerOptions, 'log' | 'busyRooms'>;
  readonly #seen = new Map<string, number>();
  readonly #dispatchedAt = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #busy = false;

  constructor(options: ReconcilerOptions) {
    const http = options.url.replace(/^ws/, 'http');
    this.#opts = { agentName: '', intervalMs: 1000, graceMs: 2000, backoffMs: 30_000, ...options, url: http };
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

  /**
   * The worker (re)registered with the server: dispatches made while it was not registered (the server
   * came back before the worker's reconnect did) found no worker and are lost, since LiveKit does not retry
   * them. Forget them, so the next pass dispatches those rooms again instead of waiting out `backoffMs`.
   */
  workerRegistered(): void {
    this.#dispatchedAt.clear();
  }

  /**
   * The job serving `room` exited (agent identity `gone`): dispatch the room again at once if its user is
   * still there and no other agent is. Returns true when it dispatched. Errors are logged; the periodic
   * pass remains the fallback.
   */
  async redispatch(room: string, gone: string, now = Date.now()): Promise<boolean> {
    try {
      const parts = await this.#rooms.listParticipants(room);
      const todo = afterJobExit(
        parts.map((p) => ({ identity: p.identity, kind: p.kind })),
        gone,
      );
      if (!todo.dispatch) return false;
      if (todo.removeDead) {
        await this.#rooms.removeParticipant(room, gone).catch(() => undefined);
      }
      this.#dispatchedAt.set(room, now);
      await this.#dispatch.createDispatch(room, this.#opts.agentName);
      this.#opts.log?.('re-dispatched a room whose job exited', { room, gone });
      return true;
    } catch (e) {
      // A room that no longer exists (everyone left) is not an error.
      this.#opts.log?.('re-dispatch after a job exit failed', { room, error: String(e) });
      return false;
    }
  }

  /** One pass; returns the rooms it dispatched. Errors (server down) are logged and retried next pass. */
  async reconcileOnce(now = Date.now()): Promise<string[]> {
    if (this.#busy) return [];
    this.#busy = true;
    try {
      const rooms = await this.#rooms.listRooms();
      const busy = this.#opts.busyRooms?.() ?? new Set<string>();
      const withPeople = roomsToInspect(rooms, busy, now);
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
