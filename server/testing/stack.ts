/**
 * A real livekit-server plus the agent worker on free loopback ports, for integration tests and the
 * benchmark; `stop()` ends both (and the worker's job processes) on every exit path.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent } from '../../scripts/stack/agent.ts';
import { startLivekit } from '../../scripts/stack/livekit.ts';
import { freeTcpPort, freeUdpPort } from '../../scripts/stack/ports.ts';

export interface TestStack {
  url: string;
  apiKey: string;
  apiSecret: string;
  runDir: string;
  /** Process group of the agent worker (the worker and its job processes). */
  agentPid: number;
  livekitPid: number;
  stop(): Promise<void>;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts livekit-server and one agent worker. `env` is added to the worker's environment (e.g.
 * `SOTTO_MAX_JOBS`, `SOTTO_ECHO_MODE`); `startAgent` passes this process's environment through.
 */
export async function startTestStack(name: string, env: Record<string, string> = {}): Promise<TestStack> {
  const runDir = join(ROOT, 'test-results', `${name}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const livekit = await startLivekit({ root: ROOT, runDir, port: await freeTcpPort(), rtcPort: await freeUdpPort() });
  const saved: Record<string, string | undefined> = {};
  try {
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const agent = await startAgent({
      root: ROOT,
      runDir,
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
    });
    // If this process dies without calling stop() (a crash, process.exit), take the stack down with it.
    const killOnExit = (): void => {
      for (const pid of [agent.pid, livekit.pid]) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    };
    process.once('exit', killOnExit);
    return {
      url: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      runDir,
      agentPid: agent.pid,
      livekitPid: livekit.pid,
      stop: async () => {
        process.off('exit', killOnExit);
        await agent.stop();
        await livekit.stop();
      },
    };
  } catch (e) {
    await livekit.stop();
    throw e;
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  }
}
