/**
 * The cluster's one address: a loopback TCP front that hands each new connection to the next
 * livekit-server node in turn (signal WebSockets and the HTTP API alike; media goes straight to the
 * node's own UDP port, which the node advertises itself). A node that refuses the connection (killed,
 * restarting) is skipped at once and tried last for a while (round-robin.ts). A node that accepts but
 * hangs is not detected: that needs health checks, which a production load balancer does.
 * Connections already open to a node that dies close with it; the client reconnects through the front.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { StackError } from './ports.ts';
import { RoundRobin } from './round-robin.ts';

export interface FrontOptions {
  /** Port to listen on, on 127.0.0.1. */
  port: number;
  /** The nodes' HTTP/WebSocket ports on 127.0.0.1. */
  upstreams: number[];
  /** How long a node that refused a connection is tried only after the others, ms. Default 2000. */
  downMs?: number;
  /** Gives up on a node that neither accepts nor refuses within this, ms. Default 3000. */
  connectTimeoutMs?: number;
}

export interface FrontHandle {
  /** `ws://127.0.0.1:PORT`: what clients, workers and API calls use. */
  url: string;
  port: number;
  /** Connections handed to each upstream port so far. */
  readonly handed: Map<number, number>;
  stop(): Promise<void>;
}

function connectTo(port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const up = createConnection({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      up.destroy();
      reject(new Error(`connect to ${String(port)} timed out`));
    }, timeoutMs);
    up.once('connect', () => {
      clearTimeout(timer);
      up.removeAllListeners('error');
      resolve(up);
    });
    up.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export async function startFront(opts: FrontOptions): Promise<FrontHandle> {
  const rr = new RoundRobin(opts.upstreams, opts.downMs ?? 2_000);
  const open = new Set<Socket>();
  const handed = new Map<number, number>();
  const timeoutMs = opts.connectTimeoutMs ?? 3_000;

  const serve = async (client: Socket): Promise<void> => {
    client.pause();
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    // Read through a function: the client can close while a connect is awaited (no narrowing across it).
    const gone = (): boolean => client.destroyed;
    for (const port of rr.order(Date.now())) {
      if (gone()) return;
      let up: Socket;
      try {
        up = await connectTo(port, timeoutMs);
      } catch {
        rr.failed(port, Date.now());
        continue;
      }
      rr.succeeded(port);
      if (gone()) {
        up.destroy(); // the client gave up while we connected
        return;
      }
      handed.set(port, (handed.get(port) ?? 0) + 1);
      open.add(up);
      up.once('close', () => {
        open.delete(up);
        client.destroy();
      });
      up.on('error', () => up.destroy());
      client.once('close', () => up.destroy());
      client.pipe(up);
      up.pipe(client);
      client.resume();
      return;
    }
    client.destroy(); // no node accepted
  };

  const server = createServer((client) => {
    void serve(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => {
      reject(new StackError(`the cluster front could not listen on 127.0.0.1:${String(opts.port)}: ${e.message}`));
    });
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  return {
    url: `ws://127.0.0.1:${String(opts.port)}`,
    port: opts.port,
    handed,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
