/** Port checks for the dev stack: free-port discovery and a clear error when a port is taken. */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export class StackError extends Error {
  override readonly name = 'StackError';
}

/** True when a TCP port can be bound on 127.0.0.1. */
export function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => {
      resolve(false);
    });
    srv.listen(port, '127.0.0.1', () => {
      srv.close(() => {
        resolve(true);
      });
    });
  });
}

/** True when a UDP port can be bound on 127.0.0.1. */
export function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => {
      s.close(() => {
        resolve(true);
      });
    });
  });
}

/** A TCP port that is free now (the OS picks it). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

/** A port free for both TCP and UDP (LiveKit's RTC port is UDP; we check both to be safe). */
export async function freeUdpPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freeTcpPort();
    if (await udpPortFree(p)) return p;
  }
  throw new StackError('could not find a free UDP port on 127.0.0.1');
}

/** Throws a StackError that names the port, what wanted it and how to pick another. */
export async function requirePort(port: number, what: string, envVar: string, udp = false): Promise<void> {
  const free = udp ? await udpPortFree(port) : await tcpPortFree(port);
  if (!free) {
    throw new StackError(
      `${udp ? 'UDP' : 'TCP'} port ${port} (${what}) is already in use on 127.0.0.1.\n` +
        `  Stop whatever holds it (\`ss -ltnup | grep :${port}\` shows it) or choose another port: ${envVar}=<port>`,
    );
  }
}

/** Parses a port from the environment; throws a StackError on garbage. */
export function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StackError(`${name} must be a port number, got "${raw}"`);
  return n;
}
