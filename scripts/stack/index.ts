/**
 * The whole dev stack — livekit-server, the agent worker, the demo page — started in order and stopped
 * in reverse. Used by `npm start` and by the e2e harness.
 */
import { startAgent } from './agent.ts';
import { startDemo, type DemoHandle } from './demo.ts';
import { startLivekit, type LivekitHandle } from './livekit.ts';
import type { ChildHandle } from './processes.ts';
import { startRealtime, type RealtimeHandle } from './realtime.ts';
import { privateRunDir } from './run-dir.ts';

export { StackError, envPort, freeTcpPort, freeUdpPort, requirePort } from './ports.ts';
export { startLivekit, type LivekitHandle } from './livekit.ts';
export { privateRunDir, runBase } from './run-dir.ts';
export { localTlsCert, startRealtime, type RealtimeHandle } from './realtime.ts';

export interface StackOptions {
  root: string;
  /**
   * Folder for logs, pid files and the generated LiveKit config (which holds no secret). Default: a
   * private folder outside the repository (see run-dir.ts), never one the demo server serves.
   */
  runDir?: string;
  livekitPort: number;
  rtcPort: number;
  demoPort: number;
  brain?: string;
  echo?: boolean;
  /** Hot reload of the demo page (see DemoOptions.watch). Default true. */
  watch?: boolean;
  /** LiveKit API key and secret. Default: a fresh random pair per start. */
  keys?: { apiKey: string; apiSecret: string };
  /**
   * Also start the OpenAI-compatible endpoint (`/v1/realtime`) on this port, with `wss://` on a local
   * self-signed certificate when `realtimeTls`. Default: not started.
   */
  realtimePort?: number;
  realtimeTls?: boolean;
}

export interface Stack {
  livekit: LivekitHandle;
  agent: ChildHandle;
  demo: DemoHandle;
  /** The OpenAI-compatible endpoint, when `realtimePort` was given. */
  realtime: RealtimeHandle | null;
  runDir: string;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const runDir = opts.runDir ?? privateRunDir(opts.root, 'stack');
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    started.length = 0;
  };
  try {
    const livekit = await startLivekit({
      root: opts.root,
      runDir,
      port: opts.livekitPort,
      rtcPort: opts.rtcPort,
      ...(opts.echo === undefined ? {} : { echo: opts.echo }),
      ...(opts.keys ? { keys: opts.keys } : {}),
    });
    started.push(livekit);
    const keys = { livekitUrl: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
    const agent = await startAgent({
      root: opts.root,
      runDir,
      ...keys,
      ...(opts.brain ? { brain: opts.brain } : {}),
      ...(opts.echo === undefined ? {} : { echo: opts.echo }),
    });
    started.push(agent);
    let realtime: RealtimeHandle | null = null;
    if (opts.realtimePort !== undefined) {
      realtime = await startRealtime({
        root: opts.root,
        runDir,
        port: opts.realtimePort,
        ...(opts.brain ? { brain: opts.brain } : {}),
        ...(process.env.SOTTO_API_KEY ? { apiKey: process.env.SOTTO_API_KEY } : {}),
        ...(opts.realtimeTls ? { tls: true } : {}),
        ...(opts.echo === undefined ? {} : { echo: opts.echo }),
      });
      started.push(realtime);
    }
    const demo = await startDemo({
      root: opts.root,
      port: opts.demoPort,
      ...keys,
      ...(opts.watch === undefined ? {} : { watch: opts.watch }),
    });
    started.push(demo);
    return { livekit, agent, demo, realtime, runDir, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
