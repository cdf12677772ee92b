import type { ClientEvent } from './client-events.ts';
import type { ServerEvent } from './server-events.ts';

/**
 * Largest event sent as one data packet, in bytes (LiveKit's reliable packets are ~15 KiB). A larger event
 * goes as a LiveKit text stream on the same topic (see `transport/text-stream-events.ts`).
 */
export const MAX_EVENT_BYTES = 15 * 1024;

/** Largest event we accept over a text stream, in bytes (4 MiB: a long transcript or conversation item). */
export const MAX_STREAM_EVENT_BYTES = 4 * 1024 * 1024;

/** Longest text we accept in one field, in UTF-16 units (the event as a whole is bounded by bytes). */
export const MAX_TEXT_CHARS = 1024 * 1024;

export type DecodeErrorCode = 'event_too_large' | 'invalid_json' | 'invalid_event' | 'unknown_event';

/**
 * Result of decoding one data-channel message: the event, or why it was rejected (with the event's
 * `event_id` when one could be read, so an `error` event can point at it).
 */
export type Decoded<T> =
  | {
      ok: true;
      event: T;
      /** Members of a type this peer does not know (e.g. an `input_image` content part) that were left out. */
      skipped?: number;
    }
  | {
      ok: false;
      code: DecodeErrorCode;
      message: string;
      eventId?: string;
      /** For `invalid_event`: the path of the field that does not fit (`session.audio.input.format.rate`). */
      param?: string;
    };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes an event as UTF-8 JSON. */
export function encodeEvent(event: ClientEvent | ServerEvent): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(event));
}

/**
 * Decodes one message into an object with a string `type`. Shape checks per event type belong to the
 * caller's validator; this only guarantees size, UTF-8, JSON and a `type` string.
 */
export function decodeEnvelope(
  bytes: Uint8Array,
  maxBytes = MAX_EVENT_BYTES,
): Decoded<{ type: string } & Record<string, unknown>> {
  if (bytes.byteLength > maxBytes) {
    return {
      ok: false,
      code: 'event_too_large',
      message: `event of ${bytes.byteLength} bytes exceeds ${maxBytes}`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    return { ok: false, code: 'invalid_json', message: e instanceof Error ? e.message : String(e) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'invalid_event', message: 'event is not a JSON object' };
  }
  const obj = value as Record<string, unknown>;
  const eventId = typeof obj.event_id === 'string' && obj.event_id.length <= 128 ? obj.event_id : undefined;
  const type = obj.type;
  if (typeof type !== 'string' || type.length === 0 || type.length > 64) {
    return { ok: false, code: 'invalid_event', message: 'event has no valid "type"', ...(eventId ? { eventId } : {}) };
  }
  return { ok: true, event: value as { type: string } & Record<string, unknown> };
}
