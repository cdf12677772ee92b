/**
 * The stock agent's worker: `node --import tsx e2e/support/stock-agent/main.ts` with LIVEKIT_URL,
 * LIVEKIT_API_KEY, LIVEKIT_API_SECRET and STOCK_AGENT_HTTP_PORT (its health endpoint answers once it is
 * registered). Automatic dispatch: run it against a LiveKit server of its own.
 */
import { fileURLToPath } from 'node:url';
import { AgentServer, initializeLogger, ServerOptions } from '@livekit/agents';

initializeLogger({ pretty: false, level: 'info' });
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const server = new AgentServer(
  new ServerOptions({
    agent: fileURLToPath(new URL('./agent.ts', import.meta.url)),
    wsURL: env('LIVEKIT_URL'),
    apiKey: env('LIVEKIT_API_KEY'),
    apiSecret: env('LIVEKIT_API_SECRET'),
    host: '127.0.0.1',
    port: Number(env('STOCK_AGENT_HTTP_PORT')),
    numIdleProcesses: 1,
    // A busy 2-core test machine: a job process loading tsx and Silero may take tens of seconds, and the
    // default CPU-based load would mark the worker full and leave the room without an agent.
    initializeProcessTimeout: 90_000,
    loadFunc: () => Promise.resolve(0),
    logLevel: 'info',
  }),
);
const stop = (): void => {
  void server.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await server.run();
