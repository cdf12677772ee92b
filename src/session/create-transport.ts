import { SottoError } from '../errors.ts';
import { LiveKitTransport } from '../transport/livekit/livekit-transport.ts';
import { isTransportConfig, type RealtimeTransportConfig } from '../transport/openai/options.ts';
import { OpenAIWebRTCTransport } from '../transport/openai-webrtc/openai-webrtc-transport.ts';
import { OpenAIWebSocketTransport } from '../transport/openai-ws/openai-ws-transport.ts';
import type { Transport } from '../transport/types.ts';
import type { ConnectOptions } from './options.ts';

/**
 * The session's remote transport: the one the app passed in, or one made from the options (`transport:
 * { kind: 'openai-ws' | 'openai-webrtc', … }`, else LiveKit from `url` and `token`). `ctx` is the
 * session's AudioContext (the WebSocket transport captures and plays on it). Throws a SottoError
 * (`invalid_option`) for missing or bad options.
 */
export function createTransport(opts: ConnectOptions, ctx: AudioContext): Transport {
  const t: unknown = opts.transport;
  if (isTransportInstance(t)) return t;
  if (t !== undefined) {
    if (!isTransportConfig(t)) {
      throw new SottoError(
        'invalid_option',
        "`transport` must be a Transport or { kind: 'openai-ws' | 'openai-webrtc', url }",
      );
    }
    return createRealtimeTransport(t, ctx);
  }
  if (typeof opts.url !== 'string' || opts.url === '') {
    throw new SottoError('invalid_option', '`url` (the LiveKit server) is required unless `transport` is given');
  }
  if (opts.token === undefined) throw new SottoError('invalid_option', '`token` is required with `url`');
  return new LiveKitTransport({
    url: opts.url,
    token: opts.token,
    ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
    ...(opts.reconnect ? { backoff: opts.reconnect } : {}),
    ...(opts.health ? { health: opts.health } : {}),
    ...(opts.agent ? { agent: opts.agent } : {}),
  });
}

/**
 * Whether the session can make a new remote transport after a fatal loss: not when the app passed an
 * instance in.
 */
export function canRecreateTransport(opts: ConnectOptions): boolean {
  return !isTransportInstance(opts.transport);
}

function isTransportInstance(t: unknown): t is Transport {
  return typeof t === 'object' && t !== null && typeof (t as { connect?: unknown }).connect === 'function';
}

function createRealtimeTransport(c: RealtimeTransportConfig, ctx: AudioContext): Transport {
  const { kind, ...link } = c;
  if (kind === 'openai-ws') return new OpenAIWebSocketTransport({ ...link, audioContext: ctx });
  return new OpenAIWebRTCTransport(link);
}
