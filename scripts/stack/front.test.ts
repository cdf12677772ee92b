import { createConnection, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFront, type FrontHandle } from './front.ts';
import { freeTcpPort } from './ports.ts';

/** A loopback server that answers every connection's first bytes with `<name>:<bytes>`. */
async function upstream(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => {
    s.on('data', (d) => {
      s.end(`${name}:${d.toString()}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, server };
}

function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => s.write(text));
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => {
      resolve(got);
    });
    s.on('error', reject);
  });
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function front(upstreams: number[]): Promise<FrontHandle> {
  const f = await startFront({ port: await freeTcpPort(), upstreams, downMs: 60_000 });
  cleanup.push(() => f.stop());
  return f;
}

describe('cluster front', () => {
  it('hands connections to the nodes in turn and carries bytes both ways', async () => {
    const a = await upstream('a');
    const b = await upstream('b');
    cleanup.push(async () => {
      a.server.close();
      b.server.close();
      await Promise.resolve();
    });
    const f = await front([a.port, b.port]);
    expect(f.url).toBe(`ws://127.0.0.1:${String(f.port)}`);
    expect(await ask(f.port, 'x')).toBe('a:x');
    expect(await ask(f.port, 'y')).toBe('b:y');
    expect(await ask(f.port, 'z')).toBe('a:z');
    expect([...f.handed]).toEqual([
      [a.port, 2],
      [b.port, 1],
    ]);
  });

  it('skips a node that refuses connections, and closes the client when none accepts', async () => {
    const a = await upstream('a');
    const deadPort = await freeTcpPort(); // nothing listens there
    cleanup.push(async () => {
      if (a.server.listening) a.server.close();
      await Promise.resolve();
    });
    const f = await front([deadPort, a.port]);
    for (let i = 0; i < 4; i++) expect(await ask(f.port, String(i))).toBe(`a:${String(i)}`);
    expect(f.handed.get(deadPort)).toBeUndefined();
    a.server.close();
    expect(await ask(f.port, 'gone')).toBe('');
  });
});
