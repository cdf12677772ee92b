export * from './events.ts';
export {
  encodeEvent,
  decodeEnvelope,
  MAX_EVENT_BYTES,
  MAX_STREAM_EVENT_BYTES,
  type Decoded,
  type DecodeErrorCode,
} from './codec.ts';
export { parseClientEvent, parseServerEvent, type ParseOptions } from './validate.ts';
export { tolerateServerEvent } from './tolerate.ts';
export { CLIENT_EVENT_SCHEMAS, SERVER_EVENT_SCHEMAS } from './schemas.ts';
export type { Guard } from './guards.ts';
