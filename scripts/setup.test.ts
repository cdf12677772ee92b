import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs setup with a changed environment; never installs (SOTTO_NO_INSTALL or no tools on PATH). */
function setup(env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs'), '--quiet'], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('setup', () => {
  it('is a no-op when everything is present', () => {
    const r = setup({});
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
  });

  it('names the missing Debian packages and the exact command when it may not install', () => {
    const r = setup({ SOTTO_NO_INSTALL: '1', SOTTO_CHROMIUM: '/nonexistent/chromium', PATH: '/nonexistent' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('Missing chromium, espeak-ng, sox, redis-server');
    expect(r.out).toContain('apt-get install -y chromium espeak-ng sox redis-server');
  });

  it('explains how to get livekit-server when Go is missing', () => {
    const tools = mkdtempSync(join(tmpdir(), 'sotto-tools-'));
    const r = setup({ SOTTO_TOOLS_DIR: tools, PATH: '/usr/bin:/bin' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('Go is not installed');
    expect(r.out).toContain('livekit-server');
  });

  it('prints the go install command when installing is off', () => {
    const tools = mkdtempSync(join(tmpdir(), 'sotto-tools-'));
    const r = setup({ SOTTO_TOOLS_DIR: tools, SOTTO_NO_INSTALL: '1' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('go install github.com/livekit/livekit-server/cmd/server@v1.13.5');
  });
});
