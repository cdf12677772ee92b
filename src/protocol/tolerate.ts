/**
 * Tolerant reading of server events (pure). A GA server may send members this SDK does not know: item
 * types (`mcp_call`, `mcp_list_tools`, …) and content types (`input_image`, …). Rather than reject the
 * whole event, unknown content parts are left out of a message's `content`, unknown items out of a
 * response's `output`; an event that is *about* an unknown item or part (`conversation.item.added` of an
 * `mcp_call`) is skipped as a whole, like an unknown event type. Runs before the shape check, on the
 * freshly parsed JSON (which it may change in place).
 */
import { isObj, type Obj } from './guards.ts';

/** Item types Sotto reads. */
export const KNOWN_ITEM_TYPES: ReadonlySet<string> = new Set(['message', 'function_call', 'function_call_output']);
/** Content types of a message item that Sotto reads. */
export const KNOWN_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'input_audio',
  'input_text',
  'output_audio',
  'output_text',
]);
/** `part` types of `response.content_part.*` (GA, plus the item types older Sotto servers sent). */
export const KNOWN_PART_TYPES: ReadonlySet<string> = new Set(['audio', 'text', 'output_audio', 'output_text']);

/** The outcome: `skip` names the unknown member that makes the whole event unreadable. */
export type Tolerated = { skip: string } | { skip: null; dropped: number };

const typeOf = (v: unknown): string | undefined => (isObj(v) && typeof v.type === 'string' ? v.type : undefined);

/** Leaves unknown content parts out of a message item; returns how many went. */
function pruneContent(item: Obj): number {
  if (item.type !== 'message' || !Array.isArray(item.content)) return 0;
  const before = item.content.length;
  item.content = item.content.filter((c) => {
    const t = typeOf(c);
    return t === undefined || KNOWN_CONTENT_TYPES.has(t);
  });
  return before - (item.content as unknown[]).length;
}

/** Checks one item: `null` when it is a known type (its unknown content pruned), else its type. */
function pruneItem(item: unknown, counter: { dropped: number }): string | null {
  const t = typeOf(item);
  if (t !== undefined && !KNOWN_ITEM_TYPES.has(t)) return t;
  if (isObj(item)) counter.dropped += pruneContent(item);
  return null;
}

/** Prunes unknown members of `event` in place; says whether the event is still worth reading. */
export function tolerateServerEvent(event: Obj): Tolerated {
  const counter = { dropped: 0 };
  if (Object.hasOwn(event, 'item')) {
    const unknown = pruneItem(event.item, counter);
    if (unknown !== null) return { skip: `item type "${unknown.slice(0, 64)}"` };
  }
  if (Object.hasOwn(event, 'part')) {
    const t = typeOf(event.part);
    if (t !== undefined && !KNOWN_PART_TYPES.has(t)) return { skip: `content part type "${t.slice(0, 64)}"` };
  }
  const response = event.response;
  if (isObj(response) && Array.isArray(response.output)) {
    const kept: unknown[] = [];
    for (const item of response.output) {
      if (pruneItem(item, counter) === null) kept.push(item);
      else counter.dropped++;
    }
    response.output = kept;
  }
  return { skip: null, dropped: counter.dropped };
}
