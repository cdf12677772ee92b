/**
 * One agent per room, after a LiveKit node dies. The room is re-created on a live node and LiveKit
 * dispatches it to a new job at once, while this job's own connection comes back to the same room (the
 * rtc-node Room reconnects by itself): the room would have two agents answering the user. The rule: an
 * agent that has just come back (within `windowMs` of its `Reconnected`) and finds another agent in the
 * room — there already, or joining in that window — leaves. The agent that stayed connected (or joined
 * first) keeps the room; a job that starts in a room that already has an agent leaves too (agent.ts).
 */

/** `livekit.ParticipantInfo.Kind.AGENT`. */
const KIND_AGENT = 4;

/** The parts of an rtc-node Room this watch reads. */
export interface RoomLike {
  readonly remoteParticipants: ReadonlyMap<string, { identity: string; kind?: number | undefined }>;
  on(event: 'reconnected', fn: () => void): unknown;
  on(event: 'participantConnected', fn: (p: { identity: string; kind?: number | undefined }) => void): unknown;
}

/**
 * Calls `leave(other)` once when this agent came back within `windowMs` and another agent is (or gets)
 * in the room. `now` is the clock (ms).
 */
export function watchForSecondAgent(
  room: RoomLike,
  leave: (other: string) => void,
  windowMs = 10_000,
  now: () => number = () => performance.now(),
): void {
  let backAt = -Infinity;
  let left = false;
  const check = (): void => {
    if (left || now() - backAt > windowMs) return;
    const other = [...room.remoteParticipants.values()].find((p) => p.kind === KIND_AGENT);
    if (!other) return;
    left = true;
    leave(other.identity);
  };
  room.on('reconnected', () => {
    backAt = now();
    check();
  });
  room.on('participantConnected', (p) => {
    if (p.kind === KIND_AGENT) check();
  });
}
