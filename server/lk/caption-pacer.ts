/**
 * Agent captions paced with playback (pure, clock passed in): a reply's transcript arrives ahead of its
 * audio, each delta tagged with where it starts in the reply's audio; it is released once playback has
 * reached that point, so a caption never runs ahead of the voice. When the reply is cut (barge-in), what
 * was not yet heard is dropped: the caption ends at the heard sample.
 */
export class CaptionPacer {
  readonly #pending: { atMs: number; text: string }[] = [];
  /** When the reply's first audio sample played (ms on the caller's clock), null before. */
  #startedAt: number | null = null;

  /** A delta that starts `atMs` into the reply's audio. */
  add(atMs: number, text: string): void {
    this.#pending.push({ atMs, text });
  }

  /** The reply's audio started playing at `now`. */
  started(now: number): void {
    this.#startedAt ??= now;
  }

  /** Text whose audio has been reached by `now`, in order (removed from the queue). */
  due(now: number): string {
    if (this.#startedAt === null) return '';
    const played = now - this.#startedAt;
    let n = 0;
    while (n < this.#pending.length && (this.#pending[n]?.atMs ?? Infinity) <= played) n++;
    return this.#pending
      .splice(0, n)
      .map((d) => d.text)
      .join('');
  }

  /** When the next delta is due (ms on the caller's clock), or null (none, or audio not started). */
  nextDueAt(): number | null {
    const next = this.#pending[0];
    return next === undefined || this.#startedAt === null ? null : this.#startedAt + next.atMs;
  }

  /** The reply played to its end: everything left (text after the last audio) is due now. */
  finish(): string {
    return this.#pending
      .splice(0)
      .map((d) => d.text)
      .join('');
  }

  /** The reply was cut: drops what was not heard; returns how many deltas went. */
  cut(): number {
    return this.#pending.splice(0).length;
  }
}
