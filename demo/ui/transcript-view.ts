/** The conversation as chat bubbles: one per item, partial text replaced as it grows. */
import type { Transcript } from '../../src/index.ts';

export class TranscriptView {
  readonly #list: HTMLOListElement;
  readonly #byItem = new Map<string, HTMLLIElement>();

  constructor(list: HTMLOListElement) {
    this.#list = list;
  }

  update(t: Transcript): void {
    let li = this.#byItem.get(t.itemId);
    if (!li) {
      li = document.createElement('li');
      li.className = t.role;
      this.#byItem.set(t.itemId, li);
      this.#list.append(li);
    }
    li.textContent = t.text;
    li.classList.toggle('partial', !t.final);
    this.#list.scrollTop = this.#list.scrollHeight;
  }

  /** A local line (typed text, or a note such as "(you interrupted)"). */
  note(role: 'user' | 'assistant', text: string): void {
    const li = document.createElement('li');
    li.className = role;
    li.textContent = text;
    this.#list.append(li);
  }

  markInterrupted(itemId: string | null): void {
    if (itemId) this.#byItem.get(itemId)?.classList.add('interrupted');
  }
}
