/**
 * A LiveKit cluster on loopback: Debian's redis-server, N livekit-server nodes sharing it (LiveKit's
 * multi-node mode: rooms are placed on nodes and signalling is routed between them through Redis), one
 * front address that hands connections to the live nodes in turn (front.ts), and M Sotto agent workers
 * that register through the front. Every process on 127.0.0.1 on free ports, each in its own process
 * group; `stop()` ends them all in reverse order, and they are killed if this process exits first.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgent } from './agent.ts';
import { nodeIdFromLog, sessionsInLog, type LoggedSession } from './cluster-logs.ts';
import { startFront, type FrontHandle } from './front.ts';
import { startLivekit, type LivekitHandle } from './livekit.ts';
import { freeTcpPort, freeUdpPort, StackError } from './ports.ts';
import type { ChildHandle } from './processes.ts';
import { redisCommand, startRedis, type RedisHandle } from './redis.ts';
import { pairsToMap } from './resp.ts';
import { privateRunDir } from './run-dir.ts';

export interface ClusterOptions {
  root: string;
  /** Logs and pid files; one sub-folder per node and per worker. Default: a private folder (run-dir.ts). */
  runDir?: string;
  /** livekit-server nodes. Default 2. */
  nodes?: number;
  /** Agent workers. Default 2. */
  workers?: number;
  /** The front's port. Default: a free one. */
  frontPort?: number;
  keys?: { apiKey: string; apiSecret: string };
  brain?: string;
  /** Added to every worker's environment (e.g. `SOTTO_IDLE_PROCESSES`). */
  workerEnv?: Record<string, string>;
  echo?: boolean;
}

export interface ClusterNode {
  /** `node-a`, `node-b`, ... (also its LiveKit `region` label). */
  name: string;
  /** LiveKit's node id (`ND_...`), as the node logged it and as Redis routes rooms to it. */
  id: string;
  /** This node's own signal URL (clients use the front's). */
  url: string;
  runDir: string;
  process: LivekitHandle;
}

export interface ClusterWorker {
  /** `worker-1`, `worker-2`, ... */
  name: string;
  runDir: string;
  process: ChildHandle;
}

export interface Cluster {
  /** The one URL for clients, workers and the server API: the front. */
  url: string;
  apiKey: string;
  apiSecret: string;
  runDir: string;
  redis: RedisHandle;
  front: FrontHandle;
  nodes: ClusterNode[];
  workers: ClusterWorker[];
  /** LiveKit's routing table in Redis: room name -> node id. */
  roomNodes(): Promise<Map<string, string>>;
  /** The sessions each worker's jobs started (worker name -> sessions), from the workers' logs. */
  workerSessions(): Map<string, LoggedSession[]>;
  stop(): Promise<void>;
}

async function waitForNodeId(runDir: string, timeoutMs = 10_000): Promise<string> {
  const file = join(runDir, 'livekit.log');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const id = existsSync(file) ? nodeIdFromLog(readFileSync(file, 'utf8')) : null;
    if (id) return id;
    if (Date.now() > deadline) throw new StackError(`no node id in ${file}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const runDir = opts.runDir ?? privateRunDir(opts.root, 'cluster');
  const keys = opts.keys ?? {
    apiKey: `sotto${randomBytes(4).toString('hex')}`,
    apiSecret: randomBytes(24).toString('hex'),
  };
  const started: { stop(): Promise<void> }[] = [];
  const pids: number[] = [];
  // If this process dies without calling stop() (an exception, process.exit), take the cluster with it.
  const killOnExit = (): void => {
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', killOnExit);
  const stopAll = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    started.length = 0;
    process.off('exit', killOnExit);
  };
  try {
    const redis = await startRedis({ runDir, port: await freeTcpPort(), ...(opts.echo ? { echo: true } : {}) });
    started.push(redis);
    pids.push(redis.pid);
    const nodes: ClusterNode[] = [];
    for (let i = 0; i < (opts.nodes ?? 2); i++) {
      const name = `node-${String.fromCharCode(97 + i)}`;
      const nodeDir = privateSub(runDir, name);
      const lk = await startLivekit({
        root: opts.root,
        runDir: nodeDir,
        port: await freeTcpPort(),
        rtcPort: await freeUdpPort(),
        keys,
        cluster: { redisAddress: redis.address, region: name },
        ...(opts.echo ? { echo: true } : {}),
      });
      started.push(lk);
      pids.push(lk.pid);
      nodes.push({ name, id: await waitForNodeId(nodeDir), url: lk.url, runDir: nodeDir, process: lk });
    }
    const front = await startFront({
      port: opts.frontPort ?? (await freeTcpPort()),
      upstreams: nodes.map((n) => Number(new URL(n.url).port)),
    });
    started.push(front);
    const workers: ClusterWorker[] = [];
    for (let i = 0; i < (opts.workers ?? 2); i++) {
      const name = `worker-${String(i + 1)}`;
      const workerDir = privateSub(runDir, name);
      const agent = await startAgent({
        root: opts.root,
        runDir: workerDir,
        livekitUrl: front.url,
        ...keys,
        ...(opts.brain ? { brain: opts.brain } : {}),
        ...(opts.workerEnv ? { env: opts.workerEnv } : {}),
        ...(opts.echo ? { echo: true } : {}),
      });
      started.push(agent);
      pids.push(agent.pid);
      workers.push({ name, runDir: workerDir, process: agent });
    }
    return {
      url: front.url,
      ...keys,
      runDir,
      redis,
      front,
      nodes,
      workers,
      roomNodes: async () => pairsToMap(await redisCommand(redis.port, ['HGETALL', 'room_node_map'])),
      workerSessions: () =>
        new Map(
          workers.map((w) => {
            const file = join(w.runDir, 'agent.log');
            return [w.name, existsSync(file) ? sessionsInLog(readFileSync(file, 'utf8')) : []];
          }),
        ),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** A sub-folder of the (private) run directory, as private. */
function privateSub(runDir: string, name: string): string {
  const dir = join(runDir, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
