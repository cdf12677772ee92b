/**
 * Starts the Sotto agent worker and waits until it has registered with LiveKit. It runs the JavaScript
 * build (dist-server/, see agent-build.ts), so job processes boot plain Node; SOTTO_AGENT_FROM_SOURCE=1
 * runs server/main.ts through tsx instead (every job process then loads the TypeScript loader too).
 */
import { join } from 'node:path';
import { buildAgent } from './agent-build.ts';
import { waitForHttp } from './livekit.ts';
import { freeTcpPort, StackError } from './ports.ts';
import { startChild, tailLog, type ChildHandle } from './processes.ts';

export interface AgentOptions {
  root: string;
  runDir: string;
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  brain?: string;
  echo?: boolean;
  /** Added to the worker's environment (after this process's), e.g. `SOTTO_IDLE_PROCESSES`. */
  env?: Record<string, string>;
}

export async function startAgent(opts: AgentOptions): Promise<ChildHandle> {
  const httpPort = await freeTcpPort();
  const args =
    process.env.SOTTO_AGENT_FROM_SOURCE === '1'
      ? ['--import', 'tsx', join(opts.root, 'server', 'main.ts')]
      : [(await buildAgent(opts.root)).main];
  const child = startChild({
    name: 'agent',
    command: process.execPath,
    args,
    cwd: opts.root,
    env: {
      ...process.env,
      LIVEKIT_URL: opts.livekitUrl,
      LIVEKIT_API_KEY: opts.apiKey,
      LIVEKIT_API_SECRET: opts.apiSecret,
      SOTTO_BRAIN: opts.brain ?? 'echo',
      SOTTO_AGENT_HTTP_PORT: String(httpPort),
      ...opts.env,
    },
    runDir: opts.runDir,
    echo: opts.echo ?? false,
  });
  try {
    // The worker's health endpoint answers 200 only once it is registered with the LiveKit server.
    await waitForHttp(`http://127.0.0.1:${httpPort}/`, 60_000, child.exited);
  } catch (e) {
    await child.stop();
    throw new StackError(`agent worker did not register: ${(e as Error).message}\n${tailLog(opts.runDir, 'agent')}`);
  }
  return child;
}
