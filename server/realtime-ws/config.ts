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
  /**
   * UDP ports the WebRTC calls' media may use, e.g. `{ min: 50000, max: 50100 }` (a firewall rule, or a relay
   * that must know the port). Env `SOTTO_REALTIME_RTC_PORTS` as `MIN-MAX`; default: any port.
   */
  rtcPorts?: { min: number; max: number };
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
  const rtcPorts = parsePortRange(set(env.SOTTO_REALTIME_RTC_PORTS));
  return {
    host,
    ...(rtcPorts ? { rtcPorts } : {}),
    port: nonNegativeInt(env, 'SOTTO_REALTIME_PORT', 7890, 65_535),
    apiKey,
    tls,
    maxSessions: Math.max(1, nonNegativeInt(env, 'SOTTO_REALTIME_MAX_SESSIONS', 16)),
    turnDetection: td,
  };
}

/** `MIN-MAX` (1-65535, MIN <= MAX), or undefined when unset. */
function parsePortRange(raw: string | undefined): { min: number; max: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(raw.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1 || max > 65_535 || min > max) {
    throw new ConfigError(`SOTTO_REALTIME_RTC_PORTS must be MIN-MAX with 1 <= MIN <= MAX <= 65535, got "${raw}"`);
  }
  return { min, max };
}
