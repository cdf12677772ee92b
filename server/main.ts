/**
 * The Sotto agent worker: registers with a LiveKit server as an agent worker and receives rooms as jobs.
 * Run more of these (on more machines, against a LiveKit cluster) to serve more rooms.
 *
 * Env: see ./config.ts. Stops cleanly on SIGINT / SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { AgentServer, initializeLogger, ServerOptions } from '@livekit/agents';
import { ConfigError, readConfig } from './config.ts';
import { DispatchReconciler } from './dispatch-reconciler.ts';
import { JobWatch } from './job-watch.ts';

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
      // A burst of rooms on a small machine starts many job processes at once (each loads the TTS and
      // the VAD model); the framework's 10 s default then kills some before they are ready.
      initializeProcessTimeout: 30_000,
      // Load = share of job slots in use, not machine CPU: a busy neighbour (a browser, a build) must not
      // make the worker look full and leave rooms without an agent.
      loadFunc: (worker) => Promise.resolve(worker.activeJobs.length / config.maxJobs),
      loadThreshold: 1,
      logLevel: config.logLevel,
      maxRetry: 30,
    }),
  );
  let stopping = false;
  // Set below; stopped first on shutdown so the jobs the worker ends on purpose are not re-dispatched.
  let jobWatch: JobWatch | null = null;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    jobWatch?.stop();
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
  // Rooms that LiveKit could not dispatch (no worker registered at the time) get an agent anyway.
  // SOTTO_RECONCILE=0 turns it off (run it in one worker per deployment).
  const reconciler =
    process.env.SOTTO_RECONCILE === '0'
      ? null
      : new DispatchReconciler({
          url: config.livekitUrl,
          apiKey: config.apiKey,
          apiSecret: config.apiSecret,
          log: (msg, extra) => {
            console.error(`[agent] ${msg} ${JSON.stringify(extra ?? {})}`);
          },
          busyRooms: () => jobWatch?.rooms() ?? new Set(),
        });
  // A job process that dies (crash, SIGKILL) leaves its room without an agent: re-dispatch it at once.
  jobWatch = reconciler
    ? new JobWatch(
        () =>
          server.activeJobs.map((j) => ({
            id: j.job.id,
            room: j.job.room?.name ?? '',
            identity: j.acceptArguments.identity,
          })),
        (job) => {
          if (!stopping) void reconciler.redispatch(job.room, job.identity);
        },
      )
    : null;
  reconciler?.start();
  jobWatch?.start();
  try {
    await server.run();
  } finally {
    jobWatch?.stop();
    reconciler?.stop();
  }
}

main().catch((e: unknown) => {
  console.error('[agent] fatal:', e);
  process.exit(1);
});
