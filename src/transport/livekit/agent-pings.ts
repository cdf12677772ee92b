/**
 * The pings the LiveKit transport sends to the agents in its room (`sotto.ping` on {@link REALTIME_TOPIC}),
 * and the pongs it waits for: the heartbeat's ping to the trusted agent about once a second, the hello that
 * asks the room's agents to announce a session while none has, and the ping that proves a new agent can
 * be reached ({@link AgentPings.answers}). The {@link Heartbeat}'s bookkeeping (which nonce, the round trip,
 * health) stays the transport's; this only sends and waits.
 */
import type { Room } from 'livekit-client';
import { encodeEvent, REALTIME_TOPIC, type ClientEvent } from '../../protocol/index.ts';
import type { Heartbeat } from '../heartbeat.ts';

/** The least time between two hellos, in ms. */
const HELLO_EVERY_MS = 1000;
/** An agent whose last frame of the mic is at most this old (ms) when it pongs is hearing it. */
const HEARD_RECENTLY_MS = 500;

function sendPing(room: Room, nonce: number, to: string[]): Promise<void> {
  const ping: ClientEvent = { type: 'sotto.ping', 'sotto:nonce': nonce };
  return room.localParticipant.publishData(encodeEvent(ping), {
    reliable: true,
    topic: REALTIME_TOPIC,
    destinationIdentities: to,
  });
}

export class AgentPings {
  readonly #beat: Heartbeat;
  /** When the room's agents were last asked to announce themselves (performance.now()). */
  #helloAt = 0;
  /** Calls of {@link answers} waiting for the next pong. */
  #pongWaiters: ((ok: boolean) => void)[] = [];
  /** From the latest pong that said: since when the agent has heard the mic without a gap (null: not now). */
  #hearing: number | null | undefined = undefined;

  constructor(beat: Heartbeat) {
    this.#beat = beat;
  }

  /** A new room is being joined: an agent already in it greets by itself first, so no hello before a second. */
  joining(now: number): void {
    this.#helloAt = now;
  }

  /**
   * The transport's tick while connected, `agent` the trusted agent's identity or null: the heartbeat's
   * ping to that agent when one is due, else (no agent announced yet) the hello.
   */
  tick(room: Room, agent: string | null, now: number): void {
    if (agent !== null) this.#heartbeat(room, agent, now);
    else this.#hello(room, now);
  }

  /**
   * Pings `agent` now and resolves true when a pong (to this ping or another) arrives within `timeoutMs`,
   * false when none does or the transport closes first; true at once when the agent answers no pings.
   */
  answers(room: Room, agent: string, timeoutMs: number): Promise<boolean> {
    if (!this.#beat.supported) return Promise.resolve(true); // an agent without a heartbeat: nothing to prove it
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pongWaiters = this.#pongWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        resolve(ok);
      };
      this.#pongWaiters.push(done);
      sendPing(room, this.#beat.nextNonce(), [agent]).catch(() => undefined);
    });
  }

  /**
   * A `sotto.pong` from the trusted agent: the heartbeat's, and the answer every waiting call was for.
   * `mic` is what it says of the user's audio reaching it, when it says (see {@link micHeardSince}).
   */
  pong(nonce: number, now: number, mic?: { ageMs: number; runMs: number }): void {
    this.#beat.pong(nonce, now);
    if (mic) this.#hearing = mic.ageMs >= 0 && mic.ageMs <= HEARD_RECENTLY_MS ? now - mic.ageMs - mic.runMs : null;
    for (const w of this.#pongWaiters.splice(0)) w(true);
  }

  /**
   * Since when (performance.now()) the agent has heard the user's mic without a gap, as its latest pong
   * said; null when it did not hear it then (no frame yet, or none lately), undefined when the agent does
   * not say. A new agent (see {@link newAgent}) starts unknown until its first pong.
   */
  micHeardSince(): number | null | undefined {
    return this.#hearing;
  }

  /** Another agent is trusted now: what the previous one heard says nothing of it. */
  newAgent(): void {
    this.#hearing = undefined;
  }

  /** The transport closes: no waiting call will be answered. */
  close(): void {
    for (const w of this.#pongWaiters.splice(0)) w(false);
  }

  /** Sends a ping about once a second while connected to a server that answers them. */
  #heartbeat(room: Room, agent: string, now: number): void {
    const nonce = this.#beat.due(now);
    if (nonce === null) return;
    sendPing(room, nonce, [agent]).catch(() => {
      this.#beat.failed(nonce);
    });
  }

  /**
   * While no agent has announced a session on this connection, asks the agents in the room to (a ping: an
   * agent that greeted a rejoining user before its data channel was up greets again on its first event).
   */
  #hello(room: Room, now: number): void {
    if (now - this.#helloAt < HELLO_EVERY_MS) return;
    const agents = [...room.remoteParticipants.values()].filter((p) => p.isAgent).map((p) => p.identity);
    if (agents.length === 0) return;
    this.#helloAt = now;
    sendPing(room, this.#beat.nextNonce(), agents).catch(() => undefined);
  }
}
