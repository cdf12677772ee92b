/**
 * A LiveKit server of its own with the stock LiveKit Agents worker (and no Sotto agent), on free loopback
 * ports, for tests of Sotto's client against a stock agent. `stop()` stops both.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AccessToken } from 'livekit-server-sdk';
import { freeTcpPort, freeUdpPort, startLivekit, type LivekitHandle } from '../../../scripts/stack/index.ts';
import { waitForHttp } from '../../../scripts/stack/livekit.ts';
import { startChild, tailLog, type ChildHandle } from '../../../scripts/stack/processes.ts';

export interface StockStack {
  livekit: LivekitHandle;
  agent: ChildHandle;
  runDir: string;
  /** A token for `identity` in `room` (join, publish mic and data, subscribe). */
  token(room: string, identity: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startStockStack(root: string, name: string): Promise<StockStack> {
  const runDir = join(root, 'test-results', `${name}-${String(process.pid)}`);
  mkdirSync(runDir, { recursive: true });
  const livekit = await startLivekit({ root, runDir, port: await freeTcpPort(), rtcPort: await freeUdpPort() });
  const httpPort = await freeTcpPort();
  const agent = startChild({
    name: 'stock-agent',
    command: process.execPath,
    args: ['--import', 'tsx', join(root, 'e2e', 'support', 'stock-agent', 'main.ts')],
    cwd: root,
    env: {
      ...process.env,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      STOCK_AGENT_HTTP_PORT: String(httpPort),
    },
    runDir,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${String(httpPort)}/`, 90_000, agent.exited);
  } catch (e) {
    await agent.stop();
    await livekit.stop();
    throw new Error(`stock agent did not register: ${String(e)}\n${tailLog(runDir, 'stock-agent')}`, { cause: e });
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
