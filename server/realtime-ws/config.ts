/** Configuration of the OpenAI-compatible endpoint (`server/realtime-main.ts`), read from the environment. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.ts';
import { isLoopback } from './auth.ts';

export interface RealtimeServerConfig {
  /** Address to listen on. Env `SOTTO_REALTIME_HOST`, default `127.0.0.1`. */
  host: string;
  /** TCP port; 0 picks a free one (printed at start). Env `SOTTO_REALTIME_PORT`, default 7890. */
  port: number;
  /**
   * The key clients present (`Authorization: Bearer <key>` or the `openai-insecure-api-key.<key>`
   * subprotocol). Env `SOTTO_API_KEY`. Unset: no key is checked and only loopback clients are served;
   * a non-loopback `host` then refuses to start.
   */
  apiKey: string | undefined;
  /**
   * TLS certificate and key (PEM) for `wss://`; plain `ws://` is served on the same port either way.
   * Env `SOTTO_REALTIME_TLS_CERT` and `SOTTO_REALTIME_TLS_KEY` (file paths, both or neither). The official
   * `openai` SDK connects with `wss://` only, so it needs these.
   */
  tls: { cert: string; key: string } | undefined;
  /** Sessions served at once; more are refused with HTTP 503. Env `SOTTO_REALTIME_MAX_SESSIONS`, default 16. */
  maxSessions: number;
  /**
   * Turn detection a session starts with, until the client's `session.update`. Env
   * `SOTTO_REALTIME_TURN_DETECTION`: `server_vad` (default, as OpenAI's WebSocket sessions start) or `none`.
   */
  turnDetection: 'server_vad' | 'none';
}

/** A variable's value; an empty one counts as unset. */
const set = (v: string | undefined): string | undefined => (v === '' ? undefined : v);

function nonNegativeInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new ConfigError(`${name} must be an integer in [0, ${max}], got "${raw}"`);
  return n;
}

export function readRealtimeConfig(env: NodeJS.ProcessEnv = process.env): RealtimeServerConfig {
  const host = set(env.SOTTO_REALTIME_HOST) ?? '127.0.0.1';
  const apiKey = set(env.SOTTO_API_KEY);
  if (apiKey === undefined && !isLoopback(host)) {
    throw new ConfigError(`SOTTO_API_KEY must be set to listen on ${host} (without a key, only 127.0.0.1 or ::1)`);
  }
  const certPath = set(env.SOTTO_REALTIME_TLS_CERT);
  const keyPath = set(env.SOTTO_REALTIME_TLS_KEY);
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError('SOTTO_REALTIME_TLS_CERT and SOTTO_REALTIME_TLS_KEY must be set together');
  }
  let tls: RealtimeServerConfig['tls'];
  if (certPath !== undefined && keyPath !== undefined) {
    try {
      tls = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    } catch (e) {
      throw new ConfigError(`could not read the TLS certificate or key: ${(e as Error).message}`);
    }
  }
  const td = set(env.SOTTO_REALTIME_TURN_DETECTION) ?? 'server_vad';
  if (td !== 'server_vad' && td !== 'none') {
    throw new ConfigError(`SOTTO_REALTIME_TURN_DETECTION must be server_vad or none, got "${td}"`);
  }
  return {
    host,
    port: nonNegativeInt(env, 'SOTTO_REALTIME_PORT', 7890, 65_535),
    apiKey,
    tls,
    maxSessions: Math.max(1, nonNegativeInt(env, 'SOTTO_REALTIME_MAX_SESSIONS', 16)),
    turnDetection: td,
  };
}
