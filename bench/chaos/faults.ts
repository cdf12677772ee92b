/**
 * The six faults of the chaos bench. Each returns the page-clock times (seconds on the session's
 * AudioContext) at which the fault began and at which the server or link was reachable again.
 */
import type { BrowserContext } from '@playwright/test';
import { setBrowserNetworkFrozen } from '../../scripts/stack/browser-net.ts';
import { crash, findJobPid, freezeGroup } from '../../scripts/stack/faults.ts';
import type { ChaosStack } from './stack.ts';

export const FAULTS = [
  'server_kill',
  'outage_30s',
  'participant_removed',
  'browser_offline',
  'job_kill',
  'server_freeze',
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface FaultContext {
  stack: ChaosStack;
  context: BrowserContext;
  room: string;
  /** The page's clock now, seconds. */
  now(): Promise<number>;
}

export interface FaultTimes {
  fault: number;
  recovered: number;
}

/** When the fault strikes: while the user speaks (mid-turn) or while the agent's reply plays (mid-reply). */
export const TRIGGER: Record<FaultName, 'speech' | 'reply'> = {
  server_kill: 'speech',
  outage_30s: 'speech',
  participant_removed: 'speech',
  browser_offline: 'speech',
  job_kill: 'reply',
  server_freeze: 'speech',
};

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

const KIND_AGENT = 4;

export async function applyFault(name: FaultName, c: FaultContext): Promise<FaultTimes> {
  switch (name) {
    case 'server_kill': {
      await c.stack.livekit().kill('SIGKILL');
      const fault = await c.now();
      await c.stack.restartLivekit();
      return { fault, recovered: await c.now() };
    }
    case 'outage_30s': {
      await c.stack.livekit().kill('SIGKILL');
      const fault = await c.now();
      await sleep(30_000);
      await c.stack.restartLivekit();
      return { fault, recovered: await c.now() };
    }
    case 'participant_removed': {
      const svc = c.stack.rooms();
      const users = (await svc.listParticipants(c.room)).filter((p) => (p.kind as number) !== KIND_AGENT);
      for (const u of users) await svc.removeParticipant(c.room, u.identity);
      const t = await c.now();
      return { fault: t, recovered: t };
    }
    case 'browser_offline': {
      await c.context.setOffline(true);
      setBrowserNetworkFrozen(true);
      const fault = await c.now();
      try {
        await sleep(20_000);
      } finally {
        setBrowserNetworkFrozen(false);
        await c.context.setOffline(false);
      }
      return { fault, recovered: await c.now() };
    }
    case 'job_kill': {
      await crash(await findJobPid(c.stack.runDir, c.room, 10_000));
      const t = await c.now();
      return { fault: t, recovered: t };
    }
    case 'server_freeze': {
      const fault = await c.now();
      await freezeGroup(c.stack.livekit().pid, 10_000);
      return { fault, recovered: await c.now() };
    }
  }
}
