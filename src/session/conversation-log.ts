/**
 * The conversation as the client holds it (pure): every finished exchange's words, from whichever agent
 * answered (a remote agent session, or the on-device engine), and which agent sessions already know each
 * line. A new agent (a re-dispatched job after a crash, or a new job after a LiveKit restart) is handed
 * the lines it does not know as `conversation.item.create` events, so the conversation survives it; the
 * same agent coming back after offline turns is handed only those.
 */
import type { ClientEvent } from '../protocol/index.ts';

/** One line of the conversation. */
export interface LogLine {
  role: 'user' | 'assistant';
  text: string;
}

/** Lines kept (oldest dropped first). */
const MAX_LINES = 200;

export class ConversationLog {
  readonly #lines: { line: LogLine; known: Set<string> }[] = [];

  /** Lines held. */
  get size(): number {
    return this.#lines.length;
  }

  /** Adds a line that `from` (an agent session id, or `device`) already knows. Empty text is skipped. */
  add(role: LogLine['role'], text: string, from: string): void {
    if (!text.trim()) return;
    this.#lines.push({ line: { role, text }, known: new Set([from]) });
    if (this.#lines.length > MAX_LINES) this.#lines.shift();
  }

  /** The lines agent session `sessionId` does not know, oldest first; from now on it knows them. */
  take(sessionId: string): LogLine[] {
    const out: LogLine[] = [];
    for (const l of this.#lines) {
      if (l.known.has(sessionId)) continue;
      l.known.add(sessionId);
      out.push(l.line);
    }
    return out;
  }
}

/** The events that hand `lines` to an agent. */
export function logEvents(lines: readonly LogLine[]): ClientEvent[] {
  return lines.map((l) => ({
    type: 'conversation.item.create',
    item:
      l.role === 'user'
        ? { type: 'message', role: 'user', content: [{ type: 'input_text', text: l.text }] }
        : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: l.text }] },
  }));
}
