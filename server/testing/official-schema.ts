/**
 * The official OpenAI Agents SDK's runtime schemas (`@openai/agents-realtime`'s zod schemas, which its
 * transports parse every server event with; the package exports no path to them, so the files are
 * imported by path): the event schema, and the message-item schema its transports apply to
 * `conversation.item.added|done|retrieved` (where a failure throws out of the socket's message handler).
 * An event of a type the schema knows that fails it is dropped by that SDK without a word: here, every
 * such event is a failure.
 */
import { realtimeMessageItemSchema } from '../../node_modules/@openai/agents-realtime/dist/items.js';
import { realtimeServerEventSchema } from '../../node_modules/@openai/agents-realtime/dist/openaiRealtimeEvents.js';

interface SchemaOption {
  shape: { type: { value: string } };
}

const KNOWN = new Set((realtimeServerEventSchema.options as unknown as SchemaOption[]).map((o) => o.shape.type.value));
const ITEM_EVENTS = new Set(['conversation.item.added', 'conversation.item.done', 'conversation.item.retrieved']);

interface WireItem {
  id?: string;
  type?: string;
  role?: string;
  status?: string;
  content?: { type?: string }[];
}

/** The message item as the SDK's transport builds it before parsing (its assistant `audio` parts renamed). */
function sdkItem(e: { type: string; item?: WireItem; previous_item_id?: string | null }): unknown {
  const item = e.item ?? {};
  const content =
    item.role === 'assistant'
      ? (item.content ?? []).map((p) => (p.type === 'audio' ? { ...p, type: 'output_audio' } : p))
      : item.content;
  return {
    itemId: item.id,
    previousItemId: e.type === 'conversation.item.retrieved' ? undefined : e.previous_item_id,
    type: item.type,
    role: item.role,
    content,
    status: item.status ?? (e.type === 'conversation.item.added' ? 'in_progress' : 'completed'),
  };
}

/** `type: reason` for each event the official schemas know and reject. */
export function officialSchemaFailures(events: readonly { type: string }[]): string[] {
  const failures: string[] = [];
  for (const e of events) {
    if (!KNOWN.has(e.type)) continue;
    const r = realtimeServerEventSchema.safeParse(e);
    if (!r.success) {
      failures.push(`${e.type}: ${r.error.message.slice(0, 300)}`);
      continue;
    }
    const withItem = e as { type: string; item?: WireItem };
    if (ITEM_EVENTS.has(e.type) && withItem.item?.type === 'message') {
      const item = realtimeMessageItemSchema.safeParse(sdkItem(withItem));
      if (!item.success) failures.push(`${e.type} (message item): ${item.error.message.slice(0, 300)}`);
    }
  }
  return failures;
}

/** The event types the official schema knows (the rest it reads as generic events). */
export function officiallyKnown(type: string): boolean {
  return KNOWN.has(type);
}
