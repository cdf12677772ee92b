/**
 * The demo's event log, kept cheap (issue 16). It used to rebuild a 20 kB string and set it as the
 * `<pre>`'s text on every event (a layout per event, tens a second while the agent talks). Now lines go
 * into a bounded array; the element is redrawn at most once per animation frame, and only while its
 * `<details>` is open (nothing is drawn that nobody sees; a hidden tab gets no animation frames at all).
 */
export class EventLog {
  readonly #el: HTMLElement;
  readonly #lines: string[] = [];
  readonly #max: number;
  #dirty = false;
  #scheduled = false;

  constructor(el: HTMLElement, maxLines = 300) {
    this.#el = el;
    this.#max = maxLines;
    // Opening the log draws what accumulated while it was closed.
    el.closest('details')?.addEventListener('toggle', () => {
      this.#schedule();
    });
  }

  /** Adds a line, stamped with the page's clock in seconds. */
  add(line: string): void {
    this.#lines.push(`${(performance.now() / 1000).toFixed(3)}  ${line}`);
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
    this.#dirty = true;
    this.#schedule();
  }

  /** The log, newest first (what the element shows when open). */
  text(): string {
    return this.#lines.toReversed().join('\n');
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      const open = this.#el.closest('details')?.open ?? true;
      if (!this.#dirty || !open) return;
      this.#dirty = false;
      this.#el.textContent = this.text();
    });
  }
}
