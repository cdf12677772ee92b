import type { ClientEvent } from './client-events.ts';
import { decodeEnvelope, type Decoded } from './codec.ts';
import type { Guard } from './guards.ts';
import { CLIENT_EVENT_SCHEMAS, SERVER_EVENT_SCHEMAS } from './schemas.ts';
import type { ServerEvent } from './server-events.ts';

function parseWith<T>(schemas: Readonly<Record<string, Guard>>, bytes: Uint8Array): Decoded<T> {
  const env = decodeEnvelope(bytes);
  if (!env.ok) return env;
  const { type } = env.event;
  const eventId = typeof env.event.event_id === 'string' ? env.event.event_id.slice(0, 128) : undefined;
  const withId = eventId === undefined ? {} : { eventId };
  const check = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (!check)
    return { ok: false, code: 'unknown_event', message: `unknown event type "${type.slice(0, 64)}"`, ...withId };
  const reason = check(env.event, '');
  if (reason !== undefined) return { ok: false, code: 'invalid_event', message: `${type}: ${reason}`, ...withId };
  return { ok: true, event: env.event as T };
}

/**
 * Decodes and validates a client event (server side). Never throws: a bad event comes back as
 * `{ ok: false, code, message }` with code `event_too_large`, `invalid_json`, `invalid_event` or
 * `unknown_event`.
 */
export const parseClientEvent = (bytes: Uint8Array): Decoded<ClientEvent> => parseWith(CLIENT_EVENT_SCHEMAS, bytes);

/**
 * Decodes and validates a server event (SDK side). `unknown_event` means a newer or non-Sotto server
 * sent a type this SDK does not know: a client may ignore it.
 */
export const parseServerEvent = (bytes: Uint8Array): Decoded<ServerEvent> => parseWith(SERVER_EVENT_SCHEMAS, bytes);
