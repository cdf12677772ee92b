import type { ClientEvent } from './client-events.ts';
import { decodeEnvelope, MAX_EVENT_BYTES, type Decoded } from './codec.ts';
import type { Guard, Obj } from './guards.ts';
import { CLIENT_EVENT_SCHEMAS, SERVER_EVENT_SCHEMAS } from './schemas.ts';
import type { ServerEvent } from './server-events.ts';
import { tolerateServerEvent, type Tolerated } from './tolerate.ts';

/** Options of {@link parseClientEvent} / {@link parseServerEvent}. */
export interface ParseOptions {
  /** Largest event accepted, in bytes. Default `MAX_EVENT_BYTES` (one data packet); text streams allow more. */
  maxBytes?: number;
}

function parseWith<T>(
  schemas: Readonly<Record<string, Guard>>,
  bytes: Uint8Array,
  opts: ParseOptions,
  tolerate?: (event: Obj) => Tolerated,
): Decoded<T> {
  const env = decodeEnvelope(bytes, opts.maxBytes ?? MAX_EVENT_BYTES);
  if (!env.ok) return env;
  const { type } = env.event;
  const eventId = typeof env.event.event_id === 'string' ? env.event.event_id.slice(0, 128) : undefined;
  const withId = eventId === undefined ? {} : { eventId };
  const check = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (!check)
    return { ok: false, code: 'unknown_event', message: `unknown event type "${type.slice(0, 64)}"`, ...withId };
  const tolerated = tolerate?.(env.event);
  if (tolerated && tolerated.skip !== null)
    return { ok: false, code: 'unknown_event', message: `${type} of an unknown ${tolerated.skip}`, ...withId };
  const reason = check(env.event, '');
  if (reason !== undefined) {
    // Guards start their reason with the path of the field (`item.content[0].type: expected ...`).
    const param = reason.slice(0, Math.max(0, reason.indexOf(': ')));
    return { ok: false, code: 'invalid_event', message: `${type}: ${reason}`, ...withId, ...(param ? { param } : {}) };
  }
  const skipped = tolerated?.dropped ?? 0;
  return skipped > 0 ? { ok: true, event: env.event as T, skipped } : { ok: true, event: env.event as T };
}

/**
 * Decodes and validates a client event (server side). Never throws: a bad event comes back as
 * `{ ok: false, code, message }` with code `event_too_large`, `invalid_json`, `invalid_event` or
 * `unknown_event`.
 */
export const parseClientEvent = (bytes: Uint8Array, opts: ParseOptions = {}): Decoded<ClientEvent> =>
  parseWith(CLIENT_EVENT_SCHEMAS, bytes, opts);

/**
 * Decodes and validates a server event (SDK side). `unknown_event` means a newer or non-Sotto server
 * sent a type this SDK does not know, or an event about an item or content part of an unknown type: a
 * client may ignore it. Unknown members inside a known event (an `input_image` part in a message, an
 * `mcp_call` item in `response.output`) are left out and counted in `skipped`.
 */
export const parseServerEvent = (bytes: Uint8Array, opts: ParseOptions = {}): Decoded<ServerEvent> =>
  parseWith(SERVER_EVENT_SCHEMAS, bytes, opts, tolerateServerEvent);
