/**
 * The official OpenAI Agents SDK's runtime schema of server events (`@openai/agents-realtime`'s zod
 * schemas, which its transports parse every event with; the package exports no path to them, so the file
 * is imported by path). An event of a type the schema knows that fails it is dropped by that SDK as a
 * "generic" event without a word: here it is a failure.
 */
import { realtimeServerEventSchema } from '../../node_modules/@openai/agents-realtime/dist/openaiRealtimeEvents.js';

interface SchemaOption {
  shape: { type: { value: string } };
}

const KNOWN = new Set((realtimeServerEventSchema.options as unknown as SchemaOption[]).map((o) => o.shape.type.value));

/** `type: reason` for each event the official schema knows by type and rejects. */
export function officialSchemaFailures(events: readonly { type: string }[]): string[] {
  const failures: string[] = [];
  for (const e of events) {
    if (!KNOWN.has(e.type)) continue;
    const r = realtimeServerEventSchema.safeParse(e);
    if (!r.success) failures.push(`${e.type}: ${r.error.message.slice(0, 300)}`);
  }
  return failures;
}

/** The event types the official schema knows (the rest it reads as generic events). */
export function officiallyKnown(type: string): boolean {
  return KNOWN.has(type);
}
