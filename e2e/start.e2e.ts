/**
 * `npm start` itself: it brings the stack up and prints the URL, a spoken turn through that stack gets
 * an audible reply, and Ctrl-C (SIGINT to the foreground process group, as a terminal sends it) or
 * SIGTERM leaves no process behind. A port already taken is a clear error and a non-zero exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freeTcpPort, freeUdpPort } from '../scripts/stack/ports.ts';
import { fixture, launchChromium, root } from './browser.ts';
import { spokenTurn } from './demo-page.ts';
import { unexpectedErrors } from './session-page.ts';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function ports(): Promise<Record<string, string>> {
  return {
    SOTTO_LIVEKIT_PORT: String(await freeTcpPort()),
    SOTTO_LIVEKIT_RTC_PORT: String(await freeUdpPort()),
    SOTTO_DEMO_PORT: String(await freeTcpPort()),
    SOTTO_REALTIME_PORT: String(await freeTcpPort()),
    SOTTO_RUN_DIR: mkdtempSync(join(tmpdir(), 'sotto-start-')),
  };
}

/** Starts a command in its own process group (like a shell job) and collects its output. */
function launch(cmd: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
    });
  });
  return { child, output: () => out, exited };
}

async function waitFor(re: RegExp, s: Started, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = re.exec(s.output());
    if (m) return m;
    if (s.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`did not see ${re} in:\n${s.output()}`);
}

/** Process ids still alive among `pids`, and any process still in their process groups. */
function survivors(pids: number[]): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).stdout;
  return ps
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => {
      const [pid, pgid] = l.split(/\s+/).map(Number);
      return pids.includes(pid ?? -1) || pids.includes(pgid ?? -1);
    });
}

function killGroup(s: Started): void {
  try {
    if (s.child.pid !== undefined) process.kill(-s.child.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

test.describe('npm start', () => {
  test('serves a spoken turn and Ctrl-C stops every process', async () => {
    const s = launch('npm', ['start'], await ports());
    const pids: number[] = [];
    try {
      const url = (await waitFor(/Demo: (http:\/\/127\.0\.0\.1:\d+\/)/, s, 60_000))[1] ?? '';
      for (const m of s.output().matchAll(/\(pid (\d+)\)/g)) pids.push(Number(m[1]));
      expect(pids.length).toBe(3); // livekit-server, agent worker, OpenAI-compatible endpoint

      const browser = await launchChromium({ wav: fixture('hello') });
      try {
        const r = await spokenTurn(await browser.newPage(), url);
        expect(unexpectedErrors(r.errors)).toEqual([]);
        expect(r.status).toBe('completed');
        expect(r.audibleSeconds).toBeGreaterThan(1.5);
      } finally {
        await browser.close();
      }

      if (s.child.pid !== undefined) process.kill(-s.child.pid, 'SIGINT');
      await s.exited; // npm itself dies of the SIGINT, as in a terminal; the launcher cleans up
      await expect.poll(() => survivors(pids), { timeout: 10_000 }).toEqual([]);
      expect(s.output()).toContain('SIGINT: stopping the stack');
    } finally {
      killGroup(s);
    }
  });

  test('SIGTERM to the launcher stops every process', async () => {
    const s = launch(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], await ports());
    try {
      await waitFor(/Demo: http/, s, 60_000);
      const pids = [...s.output().matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
      expect(pids.length).toBe(3);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      await expect.poll(() => survivors(pids), { timeout: 10_000 }).toEqual([]);
    } finally {
      killGroup(s);
    }
  });

  test('a taken port is a clear error and a non-zero exit', async () => {
    const env = await ports();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(env.SOTTO_DEMO_PORT), '127.0.0.1', r));
    const s = launch(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], env);
    try {
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain(`port ${env.SOTTO_DEMO_PORT} (demo page) is already in use`);
      expect(s.output()).toContain('SOTTO_DEMO_PORT=<port>');
    } finally {
      killGroup(s);
      await new Promise((r) => blocker.close(r));
    }
  });
});
