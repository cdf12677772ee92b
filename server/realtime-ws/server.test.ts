/**
 * The endpoint's HTTP/WebSocket server in process, over real loopback sockets, with a scripted brain:
 * routes, refusals with their status, the session cap, ws:// and wss:// on one port, dead peers dropped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { localTlsCert } from '../../scripts/stack/realtime.ts';
import type { Brain } from '../brains/index.ts';
import { LoudnessModel, ScriptedBrain, until } from '../testing/fakes.ts';
import type { RealtimeServerConfig } from './config.ts';
import { RealtimeWsServer } from './server.ts';

const running: RealtimeWsServer[] = [];
const sockets: WebSocket[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const s of running.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(
  config: Partial<RealtimeServerConfig> = {},
  brain: Promise<Brain> = Promise.resolve(new ScriptedBrain()),
  pingIntervalMs?: number,
): Promise<{ server: RealtimeWsServer; port: number }> {
  const server = new RealtimeWsServer({
    config: {
      host: '127.0.0.1',
      port: 0,
      apiKey: undefined,
      tls: undefined,
      maxSessions: 16,
      turnDetection: 'none',
      ...config,
    },
    brain,
    loadVadModel: () => Promise.resolve(new LoudnessModel()),
    log: () => undefined,
    ...(pingIntervalMs === undefined ? {} : { pingIntervalMs }),
  });
  running.push(server);
  return { server, port: await server.listen() };
}

/** Opens a socket; resolves with its first server event, or rejects with the HTTP status of a refusal. */
function open(
  url: string,
  protocols: string[] = [],
  options: ClientOptions = {},
): Promise<{ ws: WebSocket; first: { type: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    sockets.push(ws);
    ws.once('message', (data) => {
      resolve({ ws, first: JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}') as { type: string } });
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${String(res.statusCode)}`));
    });
    ws.once('error', reject);
  });
}

describe('RealtimeWsServer', () => {
  it('answers health once the brain is loaded, and plain HTTP with typed errors', async () => {
    let ready!: (b: Brain) => void;
    const { port } = await start({}, new Promise<Brain>((r) => (ready = r)));
    const base = `http://127.0.0.1:${String(port)}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    ready(new ScriptedBrain());
    await new Promise((r) => setTimeout(r, 5));
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, sessions: 0 });
    const plain = await fetch(`${base}/v1/realtime`);
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ error: { code: 'upgrade_required' } });
    expect((await fetch(`${base}/v2/other`)).status).toBe(404);
  });

  it('refuses other paths, sideband call_id, and a wrong key, with the status OpenAI uses', async () => {
    const { port } = await start({ apiKey: 'k1' });
    const url = `ws://127.0.0.1:${String(port)}`;
    await expect(open(`${url}/v1/other`, [], { headers: { Authorization: 'Bearer k1' } })).rejects.toThrow('HTTP 404');
    await expect(
      open(`${url}/v1/realtime?call_id=rtc_1`, [], { headers: { Authorization: 'Bearer k1' } }),
    ).rejects.toThrow('HTTP 400');
    await expect(open(`${url}/v1/realtime`)).rejects.toThrow('HTTP 401');
    await expect(open(`${url}/v1/realtime`, [], { headers: { Authorization: 'Bearer k2' } })).rejects.toThrow(
      'HTTP 401',
    );
    const { ws, first } = await open(`${url}/v1/realtime?model=gpt-realtime`, [
      'realtime',
      'openai-insecure-api-key.k1',
    ]);
    expect(first.type).toBe('session.created');
    expect(ws.protocol).toBe('realtime');
  });

  it('without a key, takes loopback clients with any key or none', async () => {
    const { port } = await start();
    const url = `ws://127.0.0.1:${String(port)}/v1/realtime`;
    expect((await open(url)).first.type).toBe('session.created');
    expect((await open(url, [], { headers: { Authorization: 'Bearer whatever' } })).first.type).toBe('session.created');
  });

  it('serves maxSessions at once (503 beyond) and frees the slot when a socket closes', async () => {
    const { server, port } = await start({ maxSessions: 1 });
    const url = `ws://127.0.0.1:${String(port)}/v1/realtime`;
    const { ws } = await open(url);
    await expect(open(url)).rejects.toThrow('HTTP 503');
    ws.close();
    await until(() => server.sessions === 0);
    expect((await open(url)).first.type).toBe('session.created');
  });

  it('serves wss:// and ws:// on the same port with a certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sotto-rt-tls-'));
    dirs.push(dir);
    const cert = localTlsCert(dir);
    const ca = readFileSync(cert.certPath, 'utf8');
    const { port } = await start({ tls: { cert: ca, key: readFileSync(cert.keyPath, 'utf8') } });
    expect((await open(`wss://127.0.0.1:${String(port)}/v1/realtime`, [], { ca })).first.type).toBe('session.created');
    expect((await open(`ws://127.0.0.1:${String(port)}/v1/realtime`)).first.type).toBe('session.created');
    // An untrusted certificate is the client's refusal, not the server's.
    await expect(open(`wss://localhost:${String(port)}/v1/realtime`)).rejects.toThrow(/certificate/);
  });

  it('closes the socket of a client that stopped answering pings, and with it the session', async () => {
    const { server, port } = await start({}, undefined, 200);
    const { ws } = await open(`ws://127.0.0.1:${String(port)}/v1/realtime`);
    expect(server.sessions).toBe(1);
    await new Promise((r) => setTimeout(r, 700));
    expect(server.sessions).toBe(1); // a live client answers (ws pongs by itself)
    (ws as unknown as { _socket: { pause(): void } })._socket.pause(); // now it reads nothing, so never pongs
    await until(() => server.sessions === 0, 3000);
  });

  it('closes open sessions with 1001 when it stops', async () => {
    const { server, port } = await start();
    const { ws } = await open(`ws://127.0.0.1:${String(port)}/v1/realtime`);
    const code = new Promise<number>((r) =>
      ws.once('close', (c) => {
        r(c);
      }),
    );
    running.splice(running.indexOf(server), 1);
    await server.close();
    expect(await code).toBe(1001);
  });
});
