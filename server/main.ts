/**
 * The Sotto agent worker: registers with a LiveKit server as an agent worker and receives rooms as jobs.
 * Run more of these (on more machines, against a LiveKit cluster) to serve more rooms.
 *
 * Env: see ./config.ts. Stops cleanly on SIGINT / SIGTERM.
 */
import { AgentServer, initializeLogger, ServerOptions } from '@livekit/agents';
import { ConfigError, readConfig } from './config.ts';
import { DispatchReconciler } from './dispatch-reconciler.ts';
import { exitOnSignal } from './exit-on-signal.ts';
import { JobWatch } from './job-watch.ts';
import {
  capacityOptions,
  jobEntryPath,
  loopMonitorOffByDefault,
  skipUnusedInferenceProcess,
} from './worker-options.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`[agent] ${new Date().toISOString()} ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  initializeLogger({ pretty: false, level: config.logLevel });
  skipUnusedInferenceProcess();
  loopMonitorOffByDefault();
  // Pool, admission by the worker tree's measured CPU, and the agent_unavailable notice: worker-options.ts.
  const capacity = capacityOptions(config, (msg, extra) => {
    console.error(`[agent] ${new Date().toISOString()} ${msg} ${JSON.stringify(extra ?? {})}`);
  });
  const server = new AgentServer(
    new ServerOptions({
      agent: jobEntryPath(),
      wsURL: config.livekitUrl,
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
      host: '127.0.0.1',
      port: config.httpPort,
      numIdleProcesses: capacity.numIdleProcesses,
      initializeProcessTimeout: capacity.initializeProcessTimeout,
      loadFunc: capacity.loadFunc,
      loadThreshold: capacity.loadThreshold,
      requestFunc: capacity.requestFunc,
      logLevel: config.logLevel,
      maxRetry: 30,
    }),
  );
  capacity.attach(server);
  // Set below; stopped first on shutdown so the jobs the worker ends on purpose are not re-dispatched.
  let jobWatch: JobWatch | null = null;
  let stopping = false;
  exitOnSignal(
    () => server.close(),
    (msg) => {
      console.error(`[agent] ${new Date().toISOString()} ${msg}`);
    },
    {
      before: () => {
        stopping = true;
        jobWatch?.stop();
      },
    },
  );
  // Rooms that LiveKit could not dispatch (no worker registered at the time) get an agent anyway.
  // SOTTO_RECONCILE=0 turns it off; keep it on in every worker (a dead worker's rooms need a survivor's).
  const reconciler =
    process.env.SOTTO_RECONCILE === '0'
      ? null
      : new DispatchReconciler({
          url: config.livekitUrl,
          apiKey: config.apiKey,
          apiSecret: config.apiSecret,
          log: (msg, extra) => {
            console.error(`[agent] ${new Date().toISOString()} ${msg} ${JSON.stringify(extra ?? {})}`);
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
  // After a LiveKit restart the worker re-registers up to ~10 s after the server is back (the agents
  // framework's reconnect backoff); a room dispatched before that found no worker: dispatch it again now.
  server.event.on('worker_registered', () => {
    reconciler?.workerRegistered();
  });
  reconciler?.start();
  jobWatch?.start();
  try {
    await server.run();
  } finally {
    jobWatch?.stop();
    reconciler?.stop();
    capacity.notice.stop();
  }
}

main().catch((e: unknown) => {
  console.error('[agent] fatal:', e);
  process.exit(1);
});
