/**
 * Per-turn timelines (pure): which turn a commit, an ack, a reply and its first audio belong to. Every
 * time is AudioContext seconds, passed in by the session; the stages come from `deriveStages`.
 */
import { MetricsCollector, type SessionStats } from '../metrics/collector.ts';
import type { TurnMarks, TurnMetrics } from '../metrics/timeline.ts';

export class TurnTracker {
  readonly #c: MetricsCollector;
  /** Turns committed and not yet answered, oldest first. */
  readonly #awaitingAck: string[] = [];
  readonly #awaitingReply: string[] = [];
  readonly #byResponse = new Map<string, string>();
  #manual = 0;

  constructor(keep?: number) {
    this.#c = new MetricsCollector(keep);
  }

  /** A new id for a turn the endpointer did not number (push-to-talk, typed text). */
  manualId(): string {
    this.#manual += 1;
    return `manual-${String(this.#manual)}`;
  }

  mark(turnId: string, name: keyof TurnMarks, time: number): void {
    this.#c.mark(turnId, name, time);
  }

  /** The turn's audio was committed at `time`, to the remote agent or the on-device engine. */
  committed(turnId: string, time: number, mode?: 'remote' | 'local'): void {
    this.#c.mark(turnId, 'commitSent', time);
    if (mode) this.#c.setMode(turnId, mode);
    this.#awaitingAck.push(turnId);
    this.#awaitingReply.push(turnId);
  }

  /** The server acknowledged the oldest unacknowledged commit. */
  acked(time: number): void {
    const id = this.#awaitingAck.shift();
    if (id !== undefined) this.#c.mark(id, 'serverAck', time);
  }

  /**
   * A reply was created: it answers the oldest committed turn without a reply, or with `latest` (an agent
   * that ends turns by itself, e.g. a stock LiveKit Agents agent, answers what it heard last and merges
   * the turns before it) the newest, the older ones leaving the queue without metrics of their own (a
   * barge-in that opened one of them moves to the newest). Returns that turn.
   */
  replyCreated(responseId: string, time: number, latest = false): string | undefined {
    if (latest) {
      const merged = this.#awaitingReply.splice(0, Math.max(0, this.#awaitingReply.length - 1));
      const into = this.#awaitingReply[0];
      for (const id of merged) {
        const ack = this.#awaitingAck.indexOf(id);
        if (ack >= 0) this.#awaitingAck.splice(ack, 1);
        // A barge-in that opened a merged turn opened the turn the reply answers.
        const m = this.#c.marks(id);
        const keep = into === undefined ? undefined : this.#c.marks(into);
        if (into !== undefined && m?.bargeInOnset !== undefined && keep?.bargeInOnset === undefined) {
          this.#c.mark(into, 'bargeInOnset', m.bargeInOnset);
          if (m.bargeInSilent !== undefined) this.#c.mark(into, 'bargeInSilent', m.bargeInSilent);
        }
        this.#c.discard(id);
      }
    }
    const id = this.#awaitingReply.shift();
    if (id === undefined) return undefined;
    // Some servers skip the commit ack; the reply acknowledges the turn then.
    if (this.#awaitingAck[0] === id) this.acked(time);
    this.#byResponse.set(responseId, id);
    return id;
  }

  /** The turn a reply answers. */
  turnOf(responseId: string): string | undefined {
    return this.#byResponse.get(responseId);
  }

  /**
   * The agent that was to answer is gone (the link died): committed turns stop waiting for it. Their marks
   * stay (a turn answered again elsewhere keeps its first commit time). Returns their ids, oldest first.
   */
  abandonPending(): string[] {
    const ids = [...this.#awaitingReply];
    this.#awaitingAck.length = 0;
    this.#awaitingReply.length = 0;
    return ids;
  }

  /** Whether a committed turn still waits for its reply. */
  get awaiting(): boolean {
    return this.#awaitingReply.length > 0;
  }

  /** First reply audio: received by the page at `received`, heard at `played`. */
  firstAudio(responseId: string, received: number, played: number): void {
    const id = this.#byResponse.get(responseId);
    if (id === undefined) return;
    this.#c.mark(id, 'firstAudioReceived', received);
    this.#c.mark(id, 'firstAudioPlayed', played);
  }

  /** The reply is over: its turn's metrics, or undefined for an unknown reply. */
  finishReply(responseId: string): TurnMetrics | undefined {
    const id = this.#byResponse.get(responseId);
    if (id === undefined) return undefined;
    this.#byResponse.delete(responseId);
    return this.#c.finish(id);
  }

  /** A turn that ended without a commit (discarded, or the session is closing). */
  finishUncommitted(turnId: string): TurnMetrics | undefined {
    if (this.#awaitingReply.includes(turnId)) return undefined;
    return this.#c.finish(turnId);
  }

  discard(turnId: string): void {
    this.#c.discard(turnId);
  }

  marks(turnId: string): TurnMarks | undefined {
    return this.#c.marks(turnId);
  }

  /** Finished turns, oldest first. */
  turns(): readonly TurnMetrics[] {
    return this.#c.turns();
  }

  stats(): SessionStats {
    return this.#c.stats();
  }
}
