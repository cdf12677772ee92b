/** Agent server configuration, read from the environment. */
import { fileURLToPath } from 'node:url';

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
  /**
   * Job processes kept warm so a new room starts without a process start. The framework starts them one
   * at a time, so this is the burst the worker absorbs at once; size it to the peak arrivals per second
   * times a process start (~1 s) plus the largest burst. Each idle process holds ~100 MB. Env
   * `SOTTO_IDLE_PROCESSES`, default 4.
   */
  idleProcesses: number;
  /**
   * Hard cap on rooms one worker serves at once, whatever its CPU says. Env `SOTTO_MAX_JOBS`, default 32.
   */
  maxJobs: number;
  /**
   * Share of the machine's cores the worker's sessions may use (0..1): the worker measures its own CPU
   * and what a session costs, reports itself full and refuses rooms that would not fit. Env
   * `SOTTO_CPU_TARGET`, default 0.7.
   */
  cpuTarget: number;
  /**
   * Rooms that may wait for a job process to start when none is warm; beyond that a room is refused at
   * once (`agent_unavailable`) instead of queueing behind process starts. Env `SOTTO_START_QUEUE`, default 2.
   */
  startQueue: number;
  /**
   * CPU seconds one session start burns (job hand-over, pool refill, room join); admission reserves it for
   * ~2 s per start so a burst of rooms cannot all be taken at once. Env `SOTTO_START_CPU_S`, default 0.6
   * (`cpu_s_per_session_start` of `npm run bench -- scale`); 0 turns the reservation off.
   */
  startCpuSeconds: number;
  /**
   * How long a room that does not fit yet may wait for the starts before it (in a burst) to finish before
   * it is refused (`agent_unavailable`), in ms. LiveKit gives a worker ~7.5 s to accept. Env
   * `SOTTO_ADMIT_WAIT_MS`, default 3000.
   */
  admitWaitMs: number;
  /** Log level of the agent framework. Env `SOTTO_LOG_LEVEL`, default `info`. */
  logLevel: string;
  /**
   * Turn detection when a session starts, until the client changes it with `session.update`. Env
   * `SOTTO_TURN_DETECTION`: `none` (default: the client endpoints and commits) or `server_vad` (OpenAI's
   * defaults: threshold 0.5, prefix 300 ms, silence 500 ms).
   */
  turnDetection: 'none' | 'server_vad';
  /** How the echo brain answers. Env `SOTTO_ECHO_MODE`: `speak` (default, TTS) or `literal` (plays the turn back). */
  echoMode: 'speak' | 'literal';
  /**
   * Model directory of the `local` brain's ASR (a sherpa-onnx streaming zipformer transducer). Env
   * `SOTTO_LOCAL_MODEL_DIR`, default `../shared/models/kws-zipformer-gigaspeech-3.3M` next to the repository.
   */
  localModelDir: string;
  /**
   * How long a session outlives its user's departure, so a client that rejoins (network change) keeps
   * its conversation; then the job ends. Env `SOTTO_REJOIN_GRACE_MS`, default 10000.
   */
  rejoinGraceMs: number;
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

function fraction(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new ConfigError(`${name} must be a number in (0, 1], got "${raw}"`);
  return n;
}

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  }
  return raw as T;
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
    idleProcesses: Math.max(1, int(env, 'SOTTO_IDLE_PROCESSES', 4)),
    maxJobs: Math.max(1, int(env, 'SOTTO_MAX_JOBS', 32)),
    cpuTarget: fraction(env, 'SOTTO_CPU_TARGET', 0.7),
    startQueue: int(env, 'SOTTO_START_QUEUE', 2),
    startCpuSeconds: nonNegative(env, 'SOTTO_START_CPU_S', 0.6),
    admitWaitMs: int(env, 'SOTTO_ADMIT_WAIT_MS', 3000),
    logLevel: env.SOTTO_LOG_LEVEL ?? 'info',
    turnDetection: oneOf(env, 'SOTTO_TURN_DETECTION', ['none', 'server_vad'], 'none'),
    echoMode: oneOf(env, 'SOTTO_ECHO_MODE', ['speak', 'literal'], 'speak'),
    rejoinGraceMs: int(env, 'SOTTO_REJOIN_GRACE_MS', 10_000),
    localModelDir:
      env.SOTTO_LOCAL_MODEL_DIR ??
      fileURLToPath(new URL('../../shared/models/kws-zipformer-gigaspeech-3.3M', import.meta.url)),
  };
}
