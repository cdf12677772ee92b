/**
 * Whom the client trusts in a room (pure): the agent participant that announced the session. Server
 * events count only from it; client events go only to it; its arrival and departure are what the
 * session needs to know about a crashed or re-dispatched agent job. Everyone else in the room (another
 * browser with a token for the same room, a stale agent) is ignored, and reported once per identity.
 */

/** What the filter needs to know about a sender. */
export interface Sender {
  identity: string;
  /** LiveKit participant kind AGENT (or the agent permission). */
  isAgent: boolean;
}

/** What to do with one event. */
export type Verdict =
  /** From the session's agent (or an agent announcing a session): handle it. */
  | { accept: true; newAgent: boolean }
  /** From someone else: drop it; `report` the first time this sender is seen. */
  | { accept: false; report: string | null };

export class AgentPeer {
  #identity: string | null = null;
  readonly #reported = new Set<string>();

  /** The trusted agent's identity, or null before an agent announced a session (or after it left). */
  get identity(): string | null {
    return this.#identity;
  }

  /**
   * Judges one server event. `session.created` from an agent participant makes it the trusted agent (a
   * re-dispatched job replaces a dead one); any other event must come from the trusted agent.
   */
  judge(sender: Sender | undefined, eventType: string): Verdict {
    // No sender: the server API, or a participant livekit-client does not know yet (an intruder that sends
    // as it joins is reported under its identity when its next events arrive). Dropped, not reported:
    // it cannot be told apart from anyone.
    if (!sender) return { accept: false, report: null };
    if (!sender.isAgent) {
      return this.#reject(sender.identity, `participant "${sender.identity}" is not an agent`);
    }
    if (eventType === 'session.created') {
      const newAgent = sender.identity !== this.#identity;
      this.#identity = sender.identity;
      return { accept: true, newAgent };
    }
    if (sender.identity === this.#identity) return { accept: true, newAgent: false };
    return this.#reject(sender.identity, `agent "${sender.identity}" has not announced a session`);
  }

  /** A participant left; returns true when it was the trusted agent (which is then forgotten). */
  left(identity: string): boolean {
    if (identity !== this.#identity) return false;
    this.#identity = null;
    return true;
  }

  /** A new room (full rejoin): the agent must announce itself again. */
  reset(): void {
    this.#identity = null;
  }

  #reject(key: string, why: string): Verdict {
    if (this.#reported.has(key)) return { accept: false, report: null };
    this.#reported.add(key);
    return { accept: false, report: why };
  }
}
