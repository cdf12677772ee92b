/**
 * The demo server hands out the SDK and the demo, and nothing else of the machine: not the LiveKit API
 * secret, not the stack's run files (config, pid files, logs), not `.env`-like files, not the rest of the
 * repository — through `/@fs/`, `/../`, encoded dots, Vite's `?raw`/`?import` queries or the `/models/`
 * route. Canary files are planted where the secret used to be written (`.tools/run/`) and beside the
 * repository's sources; the real run directory of the e2e stack is probed too. The demo still connects.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import { expect, test } from '@playwright/test';
import { demoUrl, root } from './browser.ts';
import { connectDemo, openDemo } from './session-page.ts';

/** GET `path` exactly as written (no URL normalisation, unlike fetch), returning status and body. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const base = new URL(demoUrl());
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') });
      });
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

/** Every way we know to ask the dev server for the file at absolute path `abs`. */
function attacks(abs: string): string[] {
  const rel = relative(root, abs);
  const enc = rel.split('/').map(encodeURIComponent).join('/');
  const out = [
    `/@fs${abs}`,
    `/@fs${abs}?raw`,
    `/@fs${abs}?raw??`,
    `/@fs${abs}?import&raw??`,
    `/@fs${abs}?url`,
    `/@fs${abs}?inline`,
    `/@fs${root}/src/../${rel}`,
    `/@fs${root}/node_modules/../${rel}`,
    `/../${rel}`,
    `/%2e%2e/${enc}`,
    `/..%2f${enc}`,
    `/src/../../${rel}`,
    `/${rel}`,
    `/models/../../${rel}`,
    `/models/..%2f..%2f..%2f${enc}`,
  ];
  // The file's path relative to the machine's root, from the demo folder.
  const up = '../'.repeat(join(root, 'demo').split('/').length - 1);
  out.push(`/${up}${abs.slice(1)}`, `/@fs/${up}${abs.slice(1)}`);
  return out;
}

test('the demo server serves no secret, run file or .env, whatever the path trick', async () => {
  test.setTimeout(120_000);
  const canary = `sotto-canary-${randomBytes(12).toString('hex')}`;
  const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
  // Where `npm start` used to write the key and secret, and other files that must never be served.
  const planted = [
    join(root, '.tools', 'run', `livekit-${tag}.yaml`),
    join(root, '.tools', 'run', `agent-${tag}.pid`),
    join(root, '.tools', `canary-${tag}.txt`),
    join(root, 'test-results', `canary-${tag}`, 'livekit.yaml'),
    join(root, `.env.canary-${tag}`),
    join(root, 'server', `canary-${tag}.txt`),
    join(root, 'scripts', `canary-${tag}.ts`),
  ];
  const made: string[] = [];
  try {
    for (const p of planted) {
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, `keys:\n  key: ${canary}\n`);
      made.push(p);
    }
    // The e2e stack's own run directory: its config, logs and pid files, with the real secret in reach.
    const runDir = process.env.SOTTO_E2E_RUN_DIR ?? '';
    const runFiles = runDir ? readdirSync(runDir).map((f) => join(runDir, f)) : [];
    const secret = process.env.LIVEKIT_API_SECRET ?? '';
    expect(secret.length).toBeGreaterThan(16);
    expect(runFiles.some((f) => f.endsWith('.log'))).toBe(true);

    const leaks: string[] = [];
    for (const file of [...planted, ...runFiles]) {
      const content = readFileSync(file, 'latin1');
      for (const path of attacks(file)) {
        const r = await rawGet(path);
        const leaked =
          r.body.includes(canary) ||
          r.body.includes(secret) ||
          (r.status === 200 && content.length > 0 && r.body.includes(content.trim()));
        if (leaked) leaks.push(`${path} -> ${String(r.status)}`);
      }
    }
    expect(leaks, 'paths that returned a protected file').toEqual([]);

    // What the demo needs is still served: the page, the SDK through /@fs, a dependency.
    expect((await rawGet('/')).status).toBe(200);
    const sdk = await rawGet(`/@fs${root}/src/index.ts`);
    expect(sdk.status).toBe(200);
    expect(sdk.body).toContain('connect');
  } finally {
    for (const p of made) rmSync(p, { force: true });
    rmSync(join(root, 'test-results', `canary-${tag}`), { recursive: true, force: true });
  }

  // And the demo still works end to end: it connects and listens.
  const { browser, page, problems } = await openDemo('hello');
  try {
    await connectDemo(page);
    expect(problems.filter((p) => /403|denied|outside of Vite serving allow list/i.test(p))).toEqual([]);
  } finally {
    await browser.close();
  }
});
