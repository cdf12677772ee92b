/**
 * Helpers of the VAD browser tests: the fixture set and its ground truth, the lab page (`demo/lab/vad.html`,
 * `window.vadLab`), and the truth of a live run on the AudioContext clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import type { LabEvent, LiveOptions, LiveResult } from '../../demo/lab/vad-lab.ts';
import type { FixtureEntry, FixtureManifest, Range } from '../../scripts/vad-fixtures-manifest.ts';
import { demoUrl, root } from '../browser.ts';

export type { LabEvent, LiveOptions, LiveResult };

export type { FixtureEntry, FixtureManifest, Range };

const FIXTURE_DIR = join(root, '.fixtures', 'vad');

/** Builds the VAD fixtures when missing or stale (idempotent) and returns the manifest. */
export async function vadFixtures(): Promise<FixtureManifest> {
  const mod = (await import(pathToFileURL(join(root, 'scripts', 'vad-fixtures.mjs')).href)) as {
    buildVadFixtures(dir: string, o: { log: (m: string) => void }): boolean;
  };
  mod.buildVadFixtures(FIXTURE_DIR, {
    log: (m) => {
      console.log(`[vad fixtures] ${m}`);
    },
  });
  return JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8')) as FixtureManifest;
}

/** URL of a fixture on the demo server (Vite serves the repository through /@fs). */
export function fixtureUrl(name: string): string {
  return `/@fs${FIXTURE_DIR}/${name}.wav`;
}

export interface Lab {
  page: Page;
  /** Console errors and page errors seen so far. */
  problems: string[];
}

/** Opens the lab page and waits for `window.vadLab`. */
export async function openLab(browser: Browser): Promise<Lab> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(demoUrl('lab/vad.html'));
  await page.waitForFunction(() => (window as unknown as { vadLab?: { ready: boolean } }).vadLab?.ready === true);
  return { page, problems };
}

/** A designed utterance of a live run, on the AudioContext clock (s). */
export interface TruthTurn {
  fixture: string;
  on: number;
  off: number;
  pauses: { from: number; to: number }[];
}

/** The truth turns of a live run (fixture sample s is captured at `start + s / rate`). */
export function truthTurns(result: LiveResult, manifest: FixtureManifest): TruthTurn[] {
  return result.schedule.flatMap((s) => {
    const name =
      s.url
        .split('/')
        .pop()
        ?.replace(/\.wav$/, '') ?? '';
    const e = manifest.fixtures.find((f) => f.name === name);
    if (!e) throw new Error(`fixture ${name} not in the manifest`);
    const t = (x: number): number => s.start + x / manifest.rate;
    return e.turns.map((turn) => ({
      fixture: name,
      on: t(turn.startSample),
      off: t(turn.endSample),
      pauses: turn.pauses.map((p) => ({ from: t(p.startSample), to: t(p.endSample) })),
    }));
  });
}

/** Payloads of the events of one type. */
export function payloads<T = Record<string, unknown>>(events: LabEvent[], type: string): (T & { at: number })[] {
  return events.filter((e) => e.type === type).map((e) => ({ ...(e.payload as T), at: e.at }));
}
