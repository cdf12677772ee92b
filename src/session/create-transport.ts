import { LiveKitTransport } from '../transport/livekit/livekit-transport.ts';
import type { Transport } from '../transport/types.ts';
import type { ConnectOptions } from './options.ts';

/** The default transport of a session: LiveKit, configured from the session's options. */
export function createTransport(opts: ConnectOptions): Transport {
  return new LiveKitTransport({
    url: opts.url,
    token: opts.token,
    ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
    ...(opts.reconnect ? { backoff: opts.reconnect } : {}),
    ...(opts.health ? { health: opts.health } : {}),
    ...(opts.agent ? { agent: opts.agent } : {}),
  });
}
