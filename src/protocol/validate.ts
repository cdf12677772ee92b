import { decodeEnvelope, type Decoded } from './codec.ts';
import type { ClientEvent, ServerEvent } from './events.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): boolean => v === undefined || isStr(v);

const CLIENT_SHAPES: Record<ClientEvent['type'], (e: Obj) => boolean> = {
  'input_audio_buffer.commit': (e) => optStr(e.event_id),
  'input_audio_buffer.clear': (e) => optStr(e.event_id),
  'response.create': (e) => optStr(e.event_id),
  'response.cancel': (e) => optStr(e.event_id) && optStr(e.response_id),
};

const isResponse = (r: unknown): boolean => isObj(r) && isStr(r.id) && isStr(r.status);

const SERVER_SHAPES: Record<ServerEvent['type'], (e: Obj) => boolean> = {
  'session.created': (e) => isObj(e.session) && isStr(e.session.id),
  'input_audio_buffer.committed': (e) => isStr(e.item_id),
  'input_audio_buffer.cleared': () => true,
  'response.created': (e) => isResponse(e.response),
  'response.done': (e) => isResponse(e.response),
  'output_audio_buffer.started': (e) => isStr(e.response_id),
  'output_audio_buffer.stopped': (e) => isStr(e.response_id),
  error: (e) => isObj(e.error) && isStr(e.error.code) && isStr(e.error.message),
};

function parseWith<T>(shapes: Record<string, (e: Obj) => boolean>, bytes: Uint8Array): Decoded<T> {
  const env = decodeEnvelope(bytes);
  if (!env.ok) return env;
  const check = Object.hasOwn(shapes, env.event.type) ? shapes[env.event.type] : undefined;
  if (!check) return { ok: false, code: 'invalid_event', message: `unknown event type "${env.event.type}"` };
  if (!check(env.event)) return { ok: false, code: 'invalid_event', message: `malformed "${env.event.type}" event` };
  return { ok: true, event: env.event as T };
}

/** Decodes and validates a client event (server side). */
export const parseClientEvent = (bytes: Uint8Array): Decoded<ClientEvent> => parseWith(CLIENT_SHAPES, bytes);

/** Decodes and validates a server event (SDK side). */
export const parseServerEvent = (bytes: Uint8Array): Decoded<ServerEvent> => parseWith(SERVER_SHAPES, bytes);
