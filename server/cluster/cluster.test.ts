/**
 * The cluster on loopback (`npm run cluster`'s processes: redis-server, two livekit-server nodes sharing
 * it, the front, two agent workers), driven by rtc-node users through the front's one URL:
 *
 * 1. rooms spread over both nodes (LiveKit's own routing table in Redis says which node hosts each room)
 *    and both workers (the session id each user was announced, found in one worker's log);
 * 2. a worker killed (SIGKILL, with its job processes): its rooms get a new session from the survivor, a
 *    new room goes to the survivor, and those users take real turns;
 * 3. a node killed: its users rejoin through the front, land on the other node, and take real turns.
 *
 * Waits are generous and bounded (a busy 2-core machine); nothing here measures speed.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster, type ClusterNode, type ClusterWorker } from '../../scripts/stack/cluster.ts';
import { ROOT } from '../testing/stack.ts';
import { ClusterUser, loadSpeech } from './cluster-client.ts';

const CLUSTER = process.env.SOTTO_CLUSTER_TEST === '1';
/** `livekit.ParticipantInfo.Kind` values. */
const KIND_STANDARD = 0;
const KIND_AGENT = 4;

let cluster: Cluster | null = null;
let users: ClusterUser[] = [];
let speech: Int16Array = new Int16Array(0);
const tag = randomBytes(3).toString('hex');
let roomCount = 0;

function c(): Cluster {
  if (!cluster) throw new Error('no cluster');
  return cluster;
}

async function newUser(readyMs = 90_000): Promise<ClusterUser> {
  const u = new ClusterUser(c(), `cl-${tag}-${String(++roomCount)}`);
  users.push(u);
  await u.join(readyMs);
  return u;
}

/** The node hosting `room`, by LiveKit's routing table in Redis. */
async function nodeOf(room: string): Promise<ClusterNode | undefined> {
  const id = (await c().roomNodes()).get(room);
  return c().nodes.find((n) => n.id === id);
}

/** The worker whose job announced `session`, by the workers' logs (waits for the log line). */
async function workerOf(session: string, timeoutMs = 10_000): Promise<ClusterWorker | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    for (const [name, sessions] of c().workerSessions()) {
      if (sessions.some((s) => s.session === session)) return c().workers.find((w) => w.name === name);
    }
    if (performance.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Participant kinds in `room`, sorted, as LiveKit's RoomService (through the front) reports them, once they
 * are the user and one agent (or after `settleMs`: a duplicate agent takes a moment to leave).
 */
async function kindsIn(room: string, settleMs = 20_000): Promise<number[]> {
  const api = new RoomServiceClient(c().url.replace(/^ws/, 'http'), c().apiKey, c().apiSecret);
  const deadline = performance.now() + settleMs;
  for (;;) {
    // `livekit.ParticipantInfo.Kind` values (the enum is not exported by the server SDK).
    const kinds: number[] = (await api.listParticipants(room)).map((p) => p.kind);
    kinds.sort((a, b) => a - b);
    if ((kinds.length === 2 && kinds[0] === KIND_STANDARD && kinds[1] === KIND_AGENT) || performance.now() > deadline) {
      return kinds;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  if (!CLUSTER) return;
  speech = loadSpeech(ROOT);
  cluster = await startCluster({
    root: ROOT,
    runDir: join(ROOT, 'test-results', `cluster-${String(process.pid)}`),
    workerEnv: { SOTTO_IDLE_PROCESSES: '2', SOTTO_MAX_JOBS: '16', SOTTO_REJOIN_GRACE_MS: '30000' },
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(users.map((u) => u.close()));
  users = [];
  await cluster?.stop();
  cluster = null;
}, 60_000);

describe.skipIf(!CLUSTER)('cluster: two livekit-server nodes on Redis, two agent workers, one front', () => {
  it('spreads rooms over both nodes and both workers, and every room talks', async () => {
    // LiveKit places a new room on the node with the fewest rooms; the workers take rooms by their load.
    // Join rooms one by one until both nodes and both workers serve one (at least 4 rooms, at most 8).
    const nodesUsed = new Set<string>();
    const workersUsed = new Set<string>();
    while (users.length < 4 || ((nodesUsed.size < 2 || workersUsed.size < 2) && users.length < 8)) {
      const u = await newUser();
      const node = await nodeOf(u.room);
      const worker = await workerOf(u.session());
      expect(node, `${u.room} in LiveKit's room -> node map`).toBeDefined();
      expect(worker, `the worker that announced ${u.session()}`).toBeDefined();
      nodesUsed.add(node?.name ?? '');
      workersUsed.add(worker?.name ?? '');
      console.log(`${u.room}: ${node?.name ?? '?'} (${node?.id ?? '?'}), ${worker?.name ?? '?'}`);
    }
    expect([...nodesUsed].sort()).toEqual(['node-a', 'node-b']);
    expect([...workersUsed].sort()).toEqual(['worker-1', 'worker-2']);
    for (const u of users) {
      // The server's view: the user and one agent in every room.
      expect(await kindsIn(u.room)).toEqual([KIND_STANDARD, KIND_AGENT]);
      expect(await u.talk(speech)).toBeGreaterThan(500);
    }
  }, 600_000);

  it("re-dispatches a killed worker's rooms to the survivor, sends new rooms there, and they talk", async () => {
    const bySession = new Map<ClusterUser, ClusterWorker | undefined>();
    for (const u of users) bySession.set(u, await workerOf(u.session()));
    const victim = c().workers.find((w) => [...bySession.values()].includes(w));
    const survivor = c().workers.find((w) => w !== victim);
    if (!victim || !survivor) throw new Error('no worker with rooms');
    const orphans = users.filter((u) => bySession.get(u) === victim);
    const before = new Map(orphans.map((u) => [u, { session: u.session(), n: u.client.of('session.created').length }]));
    // The worker and its job processes die at once (its process group), as in a machine crash.
    await victim.process.kill('SIGKILL');
    const killedAt = performance.now();

    for (const u of orphans) {
      // LiveKit drops the dead agent once its connection times out; the survivor's reconciler then
      // dispatches the room, and a new job announces a new session.
      await u.client.waitFor('session.created', (before.get(u)?.n ?? 1) + 1, 150_000);
      expect(u.session()).not.toBe(before.get(u)?.session);
      expect((await workerOf(u.session()))?.name).toBe(survivor.name);
      console.log(
        `${u.room}: new session on ${survivor.name} ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
      );
    }
    const fresh = await newUser();
    expect((await workerOf(fresh.session()))?.name).toBe(survivor.name);
    for (const u of [...orphans, fresh]) {
      expect(await kindsIn(u.room)).toEqual([KIND_STANDARD, KIND_AGENT]);
      expect(await u.talk(speech)).toBeGreaterThan(500);
    }
  }, 600_000);

  it("rejoins a killed node's users through the front onto the other node, and they keep talking", async () => {
    const placed = await Promise.all(users.map(async (u) => ({ u, node: await nodeOf(u.room) })));
    const victim = c().nodes.find((n) => placed.some((p) => p.node === n));
    const survivor = c().nodes.find((n) => n !== victim);
    if (!victim || !survivor) throw new Error('no node with rooms');
    const stranded = placed.filter((p) => p.node === victim).map((p) => p.u);
    expect(stranded.length).toBeGreaterThan(0);
    await victim.process.kill('SIGKILL');
    const killedAt = performance.now();

    // A stranded user's connection breaks (its media and signalling ended with the node); like the SDK,
    // it rejoins the same room through the same URL. A user whose room lives on the survivor may see its
    // signalling connection break too (it may have gone through the dead node): it rejoins as well.
    for (const u of stranded) {
      await u.client.until(() => u.brokenAt !== null, 60_000, `${u.room}: the connection to notice the dead node`);
    }
    for (const u of users) {
      if (u.brokenAt === null) continue;
      await u.join(180_000);
      console.log(
        `${u.room}: rejoined (${String(u.joins)} joins) ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
      );
    }
    for (const u of users) {
      // A connection that broke later than the others (it noticed the dead node late) rejoins now.
      if (u.brokenAt !== null) await u.join(180_000);
      expect((await nodeOf(u.room))?.name, `${u.room}'s node after the kill`).toBe(survivor.name);
      expect(await kindsIn(u.room)).toEqual([KIND_STANDARD, KIND_AGENT]);
      expect(await u.talk(speech)).toBeGreaterThan(500);
    }
  }, 900_000);
});
