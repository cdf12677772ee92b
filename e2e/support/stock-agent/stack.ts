/**
 * A LiveKit server of its own with a stock LiveKit Agents worker (and no Sotto agent), on free loopback
 * ports, for tests of Sotto's client against a stock agent. The worker is the Node one of this folder by
 * default, or any other (`StockWorker`: the Python one of bench/interop/). `stop()` stops both.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessToken } from 'livekit-server-sdk';
import { freeTcpPort, freeUdpPort, startLivekit, type LivekitHandle } from '../../../scripts/stack/index.ts';
import { waitForHttp } from '../../../scripts/stack/livekit.ts';
import { startChild, tailLog, type ChildHandle } from '../../../scripts/stack/processes.ts';

/** How to start a worker: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, STOCK_AGENT_HTTP_PORT are added to `env`. */
export interface StockWorker {
  /** Name of its log (`<runDir>/<name>.log`) and pid file. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /**
   * A line its log prints once it is registered with the server (Python's health endpoint answers before
   * that). Default: none, the health endpoint is enough (Node's answers once registered).
   */
  registeredLog?: string;
}

/** The Node `@livekit/agents` worker of this folder (`STOCK_AGENT_TTS=espeak` swaps the tone TTS for espeak-ng). */
export function nodeStockWorker(root: string, env: Record<string, string> = {}): StockWorker {
  return {
    name: 'stock-agent',
    command: process.execPath,
    args: ['--import', 'tsx', join(root, 'e2e', 'support', 'stock-agent', 'main.ts')],
    env,
  };
}

export interface StockStack {
  livekit: LivekitHandle;
  agent: ChildHandle;
  runDir: string;
  /** A token for `identity` in `room` (join, publish mic and data, subscribe). */
  token(room: string, identity: string): Promise<string>;
  stop(): Promise<void>;
}

async function waitForLog(
  runDir: string,
  name: string,
  line: string,
  timeoutMs: number,
  exited: Promise<string>,
): Promise<void> {
  const file = join(runDir, `${name}.log`);
  const deadline = Date.now() + timeoutMs;
  const state: { gone: string | null } = { gone: null };
  void exited.then((why) => (state.gone = why));
  while (Date.now() < deadline) {
    if (state.gone !== null) throw new Error(`${name} exited (${state.gone}) before it logged "${line}"`);
    if (existsSync(file) && readFileSync(file, 'utf8').includes(line)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not log "${line}" within ${String(timeoutMs)} ms`);
}

export async function startStockStack(
  root: string,
  name: string,
  worker: StockWorker = nodeStockWorker(root),
): Promise<StockStack> {
  const runDir = join(root, 'test-results', `${name}-${String(process.pid)}`);
  mkdirSync(runDir, { recursive: true });
  const livekit = await startLivekit({ root, runDir, port: await freeTcpPort(), rtcPort: await freeUdpPort() });
  let agent: ChildHandle;
  let httpPort: number;
  try {
    httpPort = await freeTcpPort();
    agent = startChild({
      name: worker.name,
      command: worker.command,
      args: worker.args,
      cwd: root,
      env: {
        ...process.env,
        ...worker.env,
        LIVEKIT_URL: livekit.url,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        STOCK_AGENT_HTTP_PORT: String(httpPort),
      },
      runDir,
    });
  } catch (e) {
    await livekit.stop();
    throw e;
  }
  try {
    await waitForHttp(`http://127.0.0.1:${String(httpPort)}/`, 90_000, agent.exited);
    if (worker.registeredLog) await waitForLog(runDir, worker.name, worker.registeredLog, 90_000, agent.exited);
  } catch (e) {
    await agent.stop();
    await livekit.stop();
    throw new Error(`stock agent ${worker.name} did not register: ${String(e)}\n${tailLog(runDir, worker.name)}`, {
      cause: e,
    });
  }
  return {
    livekit,
    agent,
    runDir,
    async token(room, identity) {
      const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: 600 });
      at.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true });
      return at.toJwt();
    },
    async stop() {
      await agent.stop().catch(() => undefined);
      await livekit.stop().catch(() => undefined);
    },
  };
}
