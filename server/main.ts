/**
 * The Sotto agent worker: registers with a LiveKit server as an agent worker and receives rooms as jobs.
 * Run more of these (on more machines, against a LiveKit cluster) to serve more rooms.
 *
 * Env: see ./config.ts. Stops cleanly on SIGINT / SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { AgentServer, initializeLogger, ServerOptions } from '@livekit/agents';
import { ConfigError, readConfig } from './config.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`[agent] ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  initializeLogger({ pretty: false, level: config.logLevel });
  const server = new AgentServer(
    new ServerOptions({
      agent: fileURLToPath(new URL('./agent.ts', import.meta.url)),
      wsURL: config.livekitUrl,
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
      host: '127.0.0.1',
      port: config.httpPort,
      numIdleProcesses: config.idleProcesses,
      // Load = share of job slots in use, not machine CPU: a busy neighbour (a browser, a build) must not
      // make the worker look full and leave rooms without an agent.
      loadFunc: (worker) => Promise.resolve(worker.activeJobs.length / config.maxJobs),
      loadThreshold: 1,
      logLevel: config.logLevel,
      maxRetry: 30,
    }),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`[agent] ${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    server
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  await server.run();
}

main().catch((e: unknown) => {
  console.error('[agent] fatal:', e);
  process.exit(1);
});
