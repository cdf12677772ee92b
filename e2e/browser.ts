/**
 * Launches Debian's Chromium with a fake microphone that plays a WAV file, with the flags verified for
 * this machine (no background networking, loopback ICE allowed, autoplay without a gesture).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_PATH } from '../scripts/tools.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of a generated fixture (`.fixtures/<name>.wav`). */
export function fixture(name: string): string {
  const p = join(root, '.fixtures', `${name}.wav`);
  if (!existsSync(p)) throw new Error(`fixture ${p} is missing: run npm run setup`);
  return p;
}

export interface LaunchOptions {
  /** WAV for the fake mic; played once (then silence) unless `loop`. */
  wav?: string;
  loop?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  /** Leave out the fake permission UI (so permission prompts are not auto-accepted). */
  noFakeUi?: boolean;
  /** Leave out the fake capture device (so there is no microphone). */
  noFakeDevice?: boolean;
  /**
   * Run Chromium inside this network namespace (scripts/netem/relay.ts: its 127.0.0.1 reaches the servers
   * through the impairment relay). Default: the root namespace.
   */
  netns?: { chromiumWrapper(chromiumPath: string): string };
}

export function launchChromium(opts: LaunchOptions = {}): Promise<Browser> {
  const args = [
    '--no-sandbox',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-domain-reliability',
    '--metrics-recording-only',
    '--autoplay-policy=no-user-gesture-required',
    ...(opts.noFakeUi ? [] : ['--use-fake-ui-for-media-stream']),
    ...(opts.noFakeDevice ? [] : ['--use-fake-device-for-media-stream']),
    '--allow-loopback-in-peer-connection',
    ...(opts.wav ? [`--use-file-for-fake-audio-capture=${opts.wav}${opts.loop ? '' : '%noloop'}`] : []),
    ...(opts.args ?? []),
  ];
  const executablePath = opts.netns ? opts.netns.chromiumWrapper(CHROMIUM_PATH) : CHROMIUM_PATH;
  return chromium.launch({ executablePath, args, headless: true });
}

export function demoUrl(path = ''): string {
  const base = process.env.SOTTO_E2E_DEMO_URL;
  if (!base) throw new Error('SOTTO_E2E_DEMO_URL is not set: run the e2e tests through playwright (global setup)');
  return new URL(path, base).toString();
}
