/**
 * Options of the two OpenAI-protocol transports (WebSocket and WebRTC), and how a session names them in
 * `ConnectOptions.transport`. Both speak OpenAI's published Realtime GA protocol, so the same options
 * reach api.openai.com (with an ephemeral client key) and Sotto's own `/v1/realtime` endpoints.
 */
import { SottoError } from '../../errors.ts';
import type { BackoffOptions } from '../backoff.ts';
import type { HealthThresholds } from '../health.ts';

/**
 * The key the transport presents: a string, or a function that fetches a fresh one (called again for
 * every reconnection, so short-lived keys work). In a browser use an ephemeral client key (`ek_…`,
 * minted by your server with `POST /v1/realtime/client_secrets`), never a standard API key. Sotto's
 * server checks it against `SOTTO_API_KEY`; without one configured it serves loopback clients and takes
 * any key or none.
 */
export type ApiKeySource = string | (() => Promise<string>);

/** What both OpenAI-protocol transports take. */
export interface RealtimeLinkOptions {
  /**
   * The endpoint. WebSocket: `wss://api.openai.com/v1/realtime` or `ws://127.0.0.1:7890/v1/realtime`.
   * WebRTC: `https://api.openai.com/v1/realtime/calls` or `http://127.0.0.1:7890/v1/realtime/calls`.
   */
  url: string;
  /** The key; see {@link ApiKeySource}. Default none (Sotto's server on loopback only). */
  apiKey?: ApiKeySource;
  /** Model, sent as `?model=` when the URL has none (OpenAI's WebSocket needs one). Default none. */
  model?: string;
  /** Give up a connection attempt after this many milliseconds. Default `10000`. */
  connectTimeoutMs?: number;
  /** Reconnection backoff after the link was lost. Default: keeps trying (see `BACKOFF_DEFAULTS`). */
  backoff?: BackoffOptions;
  /** When the link counts as degraded or down. */
  health?: HealthThresholds;
}

/** `ConnectOptions.transport` for {@link OpenAIWebSocketTransport}. */
export interface OpenAIWebSocketConfig extends RealtimeLinkOptions {
  kind: 'openai-ws';
}

/** `ConnectOptions.transport` for {@link OpenAIWebRTCTransport}. */
export interface OpenAIWebRTCConfig extends RealtimeLinkOptions {
  kind: 'openai-webrtc';
}

/** A transport a session makes (and makes again after a fatal loss) from its options. */
export type RealtimeTransportConfig = OpenAIWebSocketConfig | OpenAIWebRTCConfig;

const SCHEMES: Record<RealtimeTransportConfig['kind'], readonly string[]> = {
  'openai-ws': ['ws:', 'wss:'],
  'openai-webrtc': ['http:', 'https:'],
};

/**
 * Checks a transport's options; the URL with `?model=` added when asked. Throws a SottoError
 * (`invalid_option`) naming the bad field.
 */
export function checkLinkOptions(kind: RealtimeTransportConfig['kind'], o: RealtimeLinkOptions): URL {
  const bad = (msg: string): SottoError => new SottoError('invalid_option', `transport ${kind}: ${msg}`);
  if (typeof o.url !== 'string') throw bad('`url` is required');
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw bad(`\`url\` is not a URL: "${o.url}"`);
  }
  if (!SCHEMES[kind].includes(url.protocol)) {
    throw bad(`\`url\` must start with ${SCHEMES[kind].map((s) => `${s}//`).join(' or ')}, got "${o.url}"`);
  }
  const key = o.apiKey;
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'function') {
    throw bad('`apiKey` must be a string or a function that returns one');
  }
  const t = o.connectTimeoutMs;
  if (t !== undefined && !(Number.isFinite(t) && t > 0)) throw bad('`connectTimeoutMs` must be a positive number');
  if (o.model !== undefined && !url.searchParams.has('model')) url.searchParams.set('model', o.model);
  return url;
}

/** The key to present now (calls the function form). Rejects with `token_rejected` for a bad value. */
export async function resolveKey(source: ApiKeySource | undefined): Promise<string | null> {
  if (source === undefined) return null;
  let key: unknown;
  try {
    key = typeof source === 'function' ? await source() : source;
  } catch (e) {
    throw new SottoError('token_rejected', `could not get the API key: ${String(e)}`, { cause: e });
  }
  if (typeof key !== 'string' || key === '') throw new SottoError('token_rejected', 'the API key is empty');
  return key;
}

/** True when `t` is a transport config (not a Transport instance). */
export function isTransportConfig(t: unknown): t is RealtimeTransportConfig {
  if (typeof t !== 'object' || t === null) return false;
  const o = t as { kind?: unknown; connect?: unknown };
  return typeof o.connect !== 'function' && (o.kind === 'openai-ws' || o.kind === 'openai-webrtc');
}
