/** Agent server configuration, read from the environment. */
export interface AgentConfig {
  /** LiveKit server URL (ws:// or http://). Env `LIVEKIT_URL`, default `ws://127.0.0.1:7880`. */
  livekitUrl: string;
  /** API key. Env `LIVEKIT_API_KEY` (required). */
  apiKey: string;
  /** API secret. Env `LIVEKIT_API_SECRET` (required). */
  apiSecret: string;
  /** Which brain answers. Env `SOTTO_BRAIN`, default `echo`. */
  brain: string;
  /** Port of the worker's health endpoint on 127.0.0.1; 0 picks a free one. Env `SOTTO_AGENT_HTTP_PORT`, default 0. */
  httpPort: number;
  /** Job processes kept warm so a new room starts without a process spawn. Env `SOTTO_IDLE_PROCESSES`, default 1. */
  idleProcesses: number;
  /**
   * Rooms one worker serves at once. The worker reports its load as activeJobs / maxJobs, and the LiveKit
   * server stops dispatching to it near its target load (0.7 by default). Env `SOTTO_MAX_JOBS`, default 16.
   */
  maxJobs: number;
  /** Log level of the agent framework. Env `SOTTO_LOG_LEVEL`, default `info`. */
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const apiKey = env.LIVEKIT_API_KEY;
  const apiSecret = env.LIVEKIT_API_SECRET;
  if (!apiKey || !apiSecret) {
    throw new ConfigError('LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set (the keys of your LiveKit server).');
  }
  return {
    livekitUrl: env.LIVEKIT_URL ?? 'ws://127.0.0.1:7880',
    apiKey,
    apiSecret,
    brain: env.SOTTO_BRAIN ?? 'echo',
    httpPort: int(env, 'SOTTO_AGENT_HTTP_PORT', 0),
    idleProcesses: int(env, 'SOTTO_IDLE_PROCESSES', 1),
    maxJobs: Math.max(1, int(env, 'SOTTO_MAX_JOBS', 16)),
    logLevel: env.SOTTO_LOG_LEVEL ?? 'info',
  };
}
