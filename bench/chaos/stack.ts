/**
 * The stack the chaos bench breaks: livekit-server, the agent worker and the demo page on free loopback
 * ports, in a private run directory. The LiveKit server can be brought back on the same ports with the
 * same keys (the tokens the pages hold stay valid), and a dead agent worker is restarted between runs.
 */
import { RoomServiceClient } from 'livekit-server-sdk';
import { startAgent } from '../../scripts/stack/agent.ts';
import {
  freeTcpPort,
  freeUdpPort,
  privateRunDir,
  startLivekit,
  startStack,
  type LivekitHandle,
  type Stack,
} from '../../scripts/stack/index.ts';
import type { ChildHandle } from '../../scripts/stack/processes.ts';

export interface ChaosStack {
  readonly runDir: string;
  readonly demoUrl: string;
  livekit(): LivekitHandle;
  agent(): ChildHandle;
  /** Starts livekit-server again on the same ports and keys (after a kill). */
  restartLivekit(): Promise<void>;
  /** Restarts the agent worker if it exited. */
  ensureAgent(): Promise<void>;
  rooms(): RoomServiceClient;
  stop(): Promise<void>;
}

export async function startChaosStack(root: string): Promise<ChaosStack> {
  const runDir = privateRunDir(root, `chaos-${String(process.pid)}`);
  const livekitPort = await freeTcpPort();
  const rtcPort = await freeUdpPort();
  const stack: Stack = await startStack({
    root,
    runDir,
    livekitPort,
    rtcPort,
    demoPort: await freeTcpPort(),
    watch: false,
  });
  let livekit: LivekitHandle = stack.livekit;
  let agent: ChildHandle = stack.agent;
  let agentGone = false;
  const watchAgent = (a: ChildHandle): void => {
    void a.exited.then(() => {
      if (a === agent) agentGone = true;
    });
  };
  watchAgent(agent);
  const extra: { stop(): Promise<void> }[] = [];
  const keys = { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret };
  return {
    runDir,
    demoUrl: stack.demo.url,
    livekit: () => livekit,
    agent: () => agent,
    async restartLivekit() {
      await livekit.stop(1000).catch(() => undefined);
      livekit = await startLivekit({ root, runDir, port: livekitPort, rtcPort, keys });
      extra.push(livekit);
    },
    async ensureAgent() {
      if (!agentGone) return;
      agent = await startAgent({ root, runDir, livekitUrl: livekit.url, ...keys });
      agentGone = false;
      watchAgent(agent);
      extra.push(agent);
    },
    rooms: () => new RoomServiceClient(livekit.url.replace(/^ws/, 'http'), keys.apiKey, keys.apiSecret),
    async stop() {
      for (const s of extra.reverse()) await s.stop().catch(() => undefined);
      await stack.stop();
    },
  };
}
