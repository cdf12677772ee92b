/**
 * `npm run cluster`: a LiveKit multi-node cluster on loopback — redis-server, two livekit-server nodes
 * sharing it, a front address that hands connections to the live nodes in turn, two Sotto agent workers
 * registered through it (docs/scale.md, "Cluster"). SOTTO_CLUSTER_NODES / SOTTO_CLUSTER_WORKERS change
 * the counts (default 2 each), SOTTO_CLUSTER_PORT fixes the front's port (default: a free one),
 * SOTTO_BRAIN picks the brain (echo), LIVEKIT_API_KEY + LIVEKIT_API_SECRET fix the key pair, SOTTO_RUN_DIR
 * moves logs. Ctrl-C, SIGTERM, an exception or a child that dies stops every process.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from './stack/cluster.ts';
import { envPort, requirePort, StackError } from './stack/ports.ts';
import { privateRunDir } from './stack/run-dir.ts';
import { devStackUsage, keysFromEnv } from './stack/usage.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new StackError(`${name} must be 1-8, got "${raw}"`);
  return n;
}

let cluster: Cluster | null = null;
const flags = { stopping: false };

function shutdown(why: string, code: number): void {
  if (flags.stopping) return;
  flags.stopping = true;
  console.log(`\n[cluster] ${why}: stopping every process…`);
  void (cluster?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
}

async function main(): Promise<void> {
  const frontPort = envPort('SOTTO_CLUSTER_PORT', 0);
  if (frontPort) await requirePort(frontPort, 'cluster front', 'SOTTO_CLUSTER_PORT');
  const keys = keysFromEnv(process.env);
  const t0 = performance.now();
  const c = await startCluster({
    root,
    runDir: privateRunDir(root, 'cluster', process.env.SOTTO_RUN_DIR === '' ? undefined : process.env.SOTTO_RUN_DIR),
    nodes: envCount('SOTTO_CLUSTER_NODES', 2),
    workers: envCount('SOTTO_CLUSTER_WORKERS', 2),
    ...(frontPort ? { frontPort } : {}),
    ...(keys ? { keys } : {}),
    ...(process.env.SOTTO_BRAIN ? { brain: process.env.SOTTO_BRAIN } : {}),
    echo: process.env.SOTTO_VERBOSE === '1',
  });
  cluster = c;
  if (flags.stopping) {
    await c.stop();
    return;
  }
  console.log(`[cluster] up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`[cluster]   front (clients, workers, API)  ${c.url}`);
  for (const n of c.nodes) console.log(`[cluster]   ${n.name}  ${n.url}  ${n.id}  (pid ${String(n.process.pid)})`);
  for (const w of c.workers) console.log(`[cluster]   ${w.name}  (pid ${String(w.process.pid)})`);
  console.log(`[cluster]   redis   ${c.redis.address}  (pid ${String(c.redis.pid)})`);
  console.log(`[cluster]   logs    ${c.runDir}`);
  console.log(
    devStackUsage({ livekitUrl: c.url, apiKey: c.apiKey, apiSecret: c.apiSecret, command: 'npm run cluster' }),
  );
  console.log('\n  Ctrl-C stops everything.');
  // Redis or every node gone leaves no cluster; one node or one worker gone is what the cluster survives.
  void c.redis.exited.then((w) => {
    if (!flags.stopping) shutdown(`redis-server exited (${w}); see ${c.runDir}`, 1);
  });
  void Promise.all(c.nodes.map((n) => n.process.exited)).then(() => {
    if (!flags.stopping) shutdown(`every livekit-server node exited; see ${c.runDir}`, 1);
  });
  for (const x of [...c.nodes, ...c.workers]) {
    void x.process.exited.then((w) => {
      if (!flags.stopping) console.error(`[cluster] ${x.name} exited (${w}); the others carry on`);
    });
  }
}

process.on('SIGINT', () => {
  shutdown('SIGINT', 0);
});
process.on('SIGTERM', () => {
  shutdown('SIGTERM', 0);
});
process.on('uncaughtException', (e) => {
  console.error(e);
  shutdown('uncaught exception', 1);
});
process.on('unhandledRejection', (e) => {
  console.error(e);
  shutdown('unhandled rejection', 1);
});

main().catch((e: unknown) => {
  console.error(e instanceof StackError ? `[cluster] ERROR: ${e.message}` : e);
  shutdown('start failed', 1);
});
